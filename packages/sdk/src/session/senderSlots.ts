import type { Address } from 'viem';

/**
 * How many ops of one account may be pending in a bundler's mempool at once: ERC-7562 lets bundlers hold at most 4 ops
 * of an unstaked sender (SAME_SENDER_MEMPOOL_COUNT), and refuses the fifth with a misleading "stake too low" error.
 *
 * @example
 * ```ts
 * const release = await acquireSenderSlot(account) // resolves once fewer than maxPendingOpsPerSender are pending
 * ```
 */
export const maxPendingOpsPerSender = 4;

// Per account: how many ops this process has pending, and who waits for a slot (first come, first served).
const senders = new Map<string, { pending: number; waiting: (() => void)[] }>();

/**
 * Waits until the account has fewer than {@link maxPendingOpsPerSender} ops pending from this process, takes a slot,
 * and returns the function that gives it back. `executeWithSessionKey` holds one from preparing an op until its
 * receipt, so an agent may start any number of ops at once: the fifth waits instead of being refused.
 *
 * @example
 * ```ts
 * const release = await acquireSenderSlot(client.account.address)
 * try { await sendMyOp() } finally { release() }
 * ```
 */
export async function acquireSenderSlot(account: Address, limit = maxPendingOpsPerSender): Promise<() => void> {
  const id = account.toLowerCase();
  const sender = senders.get(id) ?? { pending: 0, waiting: [] };
  senders.set(id, sender);
  if (sender.pending >= limit) await new Promise<void>((resolve) => sender.waiting.push(resolve));
  else sender.pending++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    // Hand the slot straight to the next waiter, or give it back.
    const next = sender.waiting.shift();
    if (next) next();
    else if (--sender.pending === 0) senders.delete(id);
  };
}
