import { type Address, type Client, encodeAbiParameters, keccak256 } from 'viem';
import { readContract } from 'viem/actions';
import { sessionKeyModuleAbi } from '../generated/SessionKeyModule.js';

/**
 * Grant nonces below this one keep their on-chain record in the account's state word (docs/grants.md): a grant with
 * one writes no extra storage slot when it is used.
 *
 * @example
 * ```ts
 * const grant = await ownerClient.signSessionKeyGrant({ sessionKey, permissions, chains }) // usually grant.nonce < smallGrantNonceLimit
 * ```
 */
export const smallGrantNonceLimit = 160n;

/** SessionKeyStorage: the namespace in the top 24 bits of every storage id; the account state is kind 0, payload 0. */
const accountStateId = 0xdeacc3n << 232n;
const generationMask = 0xffffffffn;
const inlineNoncesShift = 96n;

/**
 * An account's grant state on one chain, from its state word in the session key module: its key generation (which a
 * grant must name) and which small nonces (below {@link smallGrantNonceLimit}) it has used or cancelled in that
 * generation.
 *
 * @example
 * ```ts
 * const { generation, usedSmallNonces }: AccountGrantState = await readAccountGrantState(publicClient, { module, account })
 * ```
 */
export type AccountGrantState = {
  generation: number;
  /** Bit n set: nonce n (below 160) is used or cancelled. */
  usedSmallNonces: bigint;
};

/**
 * The storage slot of an account's state word in the session key module (SessionKeyStorage.accountSlot):
 * `keccak256(account ‖ id)`.
 *
 * @example
 * ```ts
 * const slot = accountStateSlot('0x1111111111111111111111111111111111111111')
 * ```
 */
export function accountStateSlot(account: Address) {
  return keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [account, accountStateId]));
}

/**
 * Reads an account's grant state on one chain with a single `eth_call` (the module's `extsload` of the account's state
 * word): its key generation and the small grant nonces it has used or cancelled. A cancelled nonce is also marked used
 * there, so one word says which small nonces a new grant can take.
 *
 * @example
 * ```ts
 * const { generation, usedSmallNonces } = await readAccountGrantState(publicClient, { module: addresses.sessionKeyModule, account })
 * ```
 */
export async function readAccountGrantState(
  client: Client,
  parameters: { module: Address; account: Address },
): Promise<AccountGrantState> {
  const word = BigInt(
    await readContract(client, { address: parameters.module, abi: sessionKeyModuleAbi, functionName: 'extsload', args: [accountStateSlot(parameters.account)] }),
  );
  return { generation: Number(word & generationMask), usedSmallNonces: word >> inlineNoncesShift };
}

/**
 * The lowest small grant nonce that none of `states` has used, or undefined when each of the 160 is used somewhere.
 *
 * @example
 * ```ts
 * const nonce = lowestUnusedSmallNonce([{ generation: 0, usedSmallNonces: 0b11n }]) // 2n
 * ```
 */
export function lowestUnusedSmallNonce(states: readonly AccountGrantState[]): bigint | undefined {
  const used = states.reduce((bits, state) => bits | state.usedSmallNonces, 0n);
  for (let nonce = 0n; nonce < smallGrantNonceLimit; nonce++) if (((used >> nonce) & 1n) === 0n) return nonce;
  return undefined;
}
