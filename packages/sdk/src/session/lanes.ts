import type { Address } from 'viem';
import { maxNonceLane } from '../account/toLeashSmartAccount.js';

// Lanes in use per (account, session key) in this process. An op holds its lane from preparation until its receipt,
// so concurrent ops of one key get different nonce lanes and can be pending together.
const busy = new Map<string, Set<bigint>>();

/**
 * Takes the lowest free nonce lane for a key (or `preferred` if free) and returns it with a release function.
 * Lane 0 is reused whenever it is free: reusing a lane keeps nonces sequential and cheap.
 *
 * @example
 * ```ts
 * const { lane, release } = acquireNonceLane(account, key)
 * try { … } finally { release() }
 * ```
 */
export function acquireNonceLane(account: Address, sessionKey: Address, preferred?: bigint): { lane: bigint; release: () => void } {
  const id = `${account.toLowerCase()}:${sessionKey.toLowerCase()}`;
  const lanes = busy.get(id) ?? new Set<bigint>();
  busy.set(id, lanes);
  let lane = preferred ?? 0n;
  if (preferred === undefined) while (lanes.has(lane)) lane++;
  if (lane > maxNonceLane) throw new Error('No free nonce lane.');
  lanes.add(lane);
  return {
    lane,
    release: () => {
      lanes.delete(lane);
      if (lanes.size === 0) busy.delete(id);
    },
  };
}
