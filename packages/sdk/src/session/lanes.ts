import type { Address } from 'viem';
import { LeashError } from '../errors/LeashError.js';

// Lanes in use per (account, validator module) in this process. An op holds its lane from preparation until its
// receipt, so concurrent ops get different nonce lanes and can be pending together. The EntryPoint nonce key is
// module ‖ lane: every session key of an account shares the module's lanes, so lanes are handed out per account, not
// per key (two keys on one lane would sign two ops with one nonce, and the bundler would keep only one).
const busy = new Map<string, Set<bigint>>();

/**
 * Takes the lowest free nonce lane of an account's validator module (or `preferred` if free) and returns it with a
 * release function. Lane 0 is reused whenever it is free: reusing a lane keeps nonces sequential and cheap.
 * `maxNonceLane` is the account's (its capability's): 2^32 - 1 for OpenZeppelin-style nonce keys.
 *
 * @example
 * ```ts
 * const { lane, release } = acquireNonceLane(account, sessionKeyModule)
 * try { … } finally { release() }
 * ```
 */
export function acquireNonceLane(
  account: Address,
  module: Address,
  preferred?: bigint,
  maxNonceLane = 0xffffffffn,
): { lane: bigint; release: () => void } {
  const id = `${account.toLowerCase()}:${module.toLowerCase()}`;
  const lanes = busy.get(id) ?? new Set<bigint>();
  let lane = preferred ?? 0n;
  if (preferred === undefined) while (lanes.has(lane)) lane++;
  else if (lanes.has(preferred))
    // Two pending ops with one nonce: the bundler would drop or replace one of them.
    throw new LeashError(`Nonce lane ${preferred} of this account has an op pending.`, {
      details: 'Leave the lane out to get a free one, or wait for the pending op.',
    });
  if (lane < 0n || lane > maxNonceLane) throw new LeashError(`Nonce lane ${lane} is out of range (0 to ${maxNonceLane}).`);
  lanes.add(lane);
  busy.set(id, lanes);
  return {
    lane,
    release: () => {
      lanes.delete(lane);
      if (lanes.size === 0) busy.delete(id);
    },
  };
}
