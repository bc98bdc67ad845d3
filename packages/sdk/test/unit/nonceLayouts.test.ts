import { describe, expect, it } from 'vitest';
import { type Address, concatHex, hexToBigInt, toHex } from 'viem';
import { LeashError, getNonceKey, kernelNonceLayout, nexusNonceLayout, openZeppelinNonceLayout } from '@leash/sdk';

const validator: Address = '0x1f08BBFde5eA8c5a6B4A23Ce29dD218eAcd23BA6';
const key = (...parts: `0x${string}`[]) => hexToBigInt(concatHex(parts));

describe('nonce-key layouts: where each account family puts the validator and the lane in the 24-byte key', () => {
  it('OpenZeppelin AccountERC7579 (the Leash account): validator ‖ 4-byte lane', () => {
    expect(openZeppelinNonceLayout.getNonceKey({ validator, lane: 7n })).toBe(key(validator, toHex(7, { size: 4 })));
    expect(getNonceKey({ module: validator }, 7n)).toBe(openZeppelinNonceLayout.getNonceKey({ validator, lane: 7n }));
    expect(openZeppelinNonceLayout.maxNonceLane).toBe(2n ** 32n - 1n);
  });

  it('Kernel v3: mode ‖ validation type (validator) ‖ validator ‖ 2-byte lane', () => {
    expect(kernelNonceLayout.getNonceKey({ validator, lane: 7n })).toBe(key('0x00', '0x01', validator, toHex(7, { size: 2 })));
    expect(() => kernelNonceLayout.getNonceKey({ validator, lane: 2n ** 16n })).toThrow(LeashError);
  });

  it('Nexus: 3-byte lane ‖ validation mode ‖ validator', () => {
    expect(nexusNonceLayout.getNonceKey({ validator, lane: 7n })).toBe(key(toHex(7, { size: 3 }), '0x00', validator));
    expect(() => nexusNonceLayout.getNonceKey({ validator, lane: -1n })).toThrow('Nonce lane -1 is out of range (0 to 16777215).');
  });
});
