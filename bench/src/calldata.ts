import { type Hex, hexToBytes } from 'viem';

/** The bytes of a transaction's calldata, counted as EIP-2028 and EIP-7623 price them. */
export type CalldataBytes = { zero: number; nonzero: number };

/** Counts the zero and nonzero bytes of calldata. */
export function countCalldataBytes(data: Hex): CalldataBytes {
  const bytes = hexToBytes(data);
  const zero = bytes.filter((b) => b === 0).length;
  return { zero, nonzero: bytes.length - zero };
}

/** EIP-7623: a zero byte is one token, a nonzero byte four. */
export const tokensPerNonzeroByte = 4;
/** EIP-7623's TOTAL_COST_FLOOR_PER_TOKEN: the gas a token costs at the calldata floor price. */
export const floorGasPerToken = 10;

/**
 * The L1 data gas of calldata at EIP-7623's floor price: 10 × (zero bytes + 4 × nonzero bytes), i.e. 10 gas per zero
 * byte and 40 per nonzero byte, uncompressed, without the transaction's 21,000 base or its envelope. It is what the
 * bytes cost when posted to L1 as calldata by a rollup whose batches pay the floor (data-heavy transactions do since
 * Pectra), so it ranks calldata sizes the way an L2 user's data fee does.
 */
export function l1DataGas(bytes: CalldataBytes): number {
  return floorGasPerToken * (bytes.zero + tokensPerNonzeroByte * bytes.nonzero);
}

export const totalBytes = (bytes: CalldataBytes): number => bytes.zero + bytes.nonzero;
