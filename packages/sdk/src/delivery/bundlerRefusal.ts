import { chainOf } from './retry.js';

/**
 * What a bundler's refusal of `eth_sendUserOperation` means for delivery:
 * - `already-known`: it holds this very op already (a re-send): the op is pending;
 * - `nonce-conflict`: the nonce is used, on chain or by another op in its mempool (ERC-4337's AA25);
 * - `sender-busy`: it holds as many ops of the account as it allows (ERC-7562: 4 for an unstaked account);
 * - `fee-too-low`: the op's fees are below what it accepts (with the numbers when it gave them).
 *
 * @example
 * ```ts
 * const refusal = classifyBundlerRefusal(error)
 * if (refusal?.kind === 'fee-too-low') console.log(refusal.fee, refusal.required)
 * ```
 */
export type BundlerRefusal =
  | { kind: 'already-known' }
  | { kind: 'nonce-conflict' }
  | { kind: 'sender-busy' }
  | { kind: 'fee-too-low'; fee: 'maxFeePerGas' | 'maxPriorityFeePerGas'; offered: bigint | undefined; required: bigint | undefined };

function textOf(error: unknown): string {
  const parts: string[] = [];
  for (const e of chainOf(error)) {
    if (typeof e.message === 'string') parts.push(e.message);
    if (typeof e.details === 'string') parts.push(e.details);
  }
  return parts.join('\n');
}

/**
 * Reads a bundler's refusal (Alto's wording, and the ERC-4337 codes other bundlers share); `undefined` for anything
 * else, such as a permission refused in validation.
 *
 * @example
 * ```ts
 * classifyBundlerRefusal(new Error('AA25 invalid account nonce')) // { kind: 'nonce-conflict' }
 * ```
 */
export function classifyBundlerRefusal(error: unknown): BundlerRefusal | undefined {
  const text = textOf(error);
  if (/already known/i.test(text)) return { kind: 'already-known' };
  if (/\bAA25\b/.test(text)) return { kind: 'nonce-conflict' };
  // Alto (safe mode) refuses an account's fifth pending op as if the account were an unstaked entity.
  if (/Account 0x[0-9a-fA-F]{40} is unstaked and must stake|Account 0x[0-9a-fA-F]{40} does not have enough stake/.test(text)) return { kind: 'sender-busy' };
  // Alto: "maxFeePerGas must be at least 1000 (current maxFeePerGas: 1) - use pimlico_getUserOperationGasPrice …"
  const alto = text.match(/(maxFeePerGas|maxPriorityFeePerGas) must be at least (\d+) \(current \w+: (\d+)\)/);
  if (alto)
    return { kind: 'fee-too-low', fee: alto[1] as 'maxFeePerGas' | 'maxPriorityFeePerGas', required: BigInt(alto[2]!), offered: BigInt(alto[3]!) };
  const generic = text.match(/(maxFeePerGas|maxPriorityFeePerGas)[^\n]*(?:too low|below)/i);
  if (generic) return { kind: 'fee-too-low', fee: generic[1] as 'maxFeePerGas' | 'maxPriorityFeePerGas', offered: undefined, required: undefined };
  return undefined;
}
