import { describe, expect, it } from 'vitest';
import { acquireSenderSlot, maxPendingOpsPerSender } from '@leash/sdk';

const account = '0x00000000000000000000000000000000000A11cE';
const other = '0x0000000000000000000000000000000000000B0b';
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('acquireSenderSlot', () => {
  it('lets four ops of an account be pending, queues the fifth until one is done, first come first served', async () => {
    expect(maxPendingOpsPerSender).toBe(4);
    const held = await Promise.all([0, 1, 2, 3].map(() => acquireSenderSlot(account)));
    const order: string[] = [];
    const fifth = acquireSenderSlot(account).then((release) => (order.push('fifth'), release));
    const sixth = acquireSenderSlot(account).then((release) => (order.push('sixth'), release));
    await settled();
    expect(order).toEqual([]);
    // Another account is not held up.
    (await acquireSenderSlot(other))();

    held[0]!();
    held[0]!(); // releasing twice gives back one slot only
    await settled();
    expect(order).toEqual(['fifth']);
    held[1]!();
    await settled();
    expect(order).toEqual(['fifth', 'sixth']);

    for (const release of [held[2]!, held[3]!, await fifth, await sixth]) release();
    // All slots are free again: four can be taken at once.
    const again = await Promise.all([0, 1, 2, 3].map(() => acquireSenderSlot(account)));
    for (const release of again) release();
  });
});
