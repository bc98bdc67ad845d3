import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type Hex, bytesToHex, recoverAddress } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { SessionKeySigner, decryptKeystore, encryptKeystore, getSessionOperationDigest } from '@leash/sdk';

const operation = (userOpHash: Hex, statedTime = 1_750_000_000) => ({ userOpHash, statedTime });

const curveOrder = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const privateKeyArb: fc.Arbitrary<Hex> = fc
  .bigInt({ min: 1n, max: curveOrder - 1n })
  .map((k) => `0x${k.toString(16).padStart(64, '0')}` as Hex);
const hashArb: fc.Arbitrary<Hex> = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex(b));

describe('SessionKeySigner: property tests', () => {
  it('session signatures of random keys over random ops recover to the signer’s address, only for the time stated', async () => {
    await fc.assert(
      fc.asyncProperty(privateKeyArb, hashArb, fc.integer({ min: 0, max: 2 ** 32 - 2 }), async (privateKey, hash, statedTime) => {
        const signer = new SessionKeySigner({ privateKey });
        expect(signer.address).toBe(privateKeyToAccount(privateKey).address);
        const signature = await signer.signDigest(getSessionOperationDigest(operation(hash, statedTime)));
        expect(await recoverAddress({ hash: getSessionOperationDigest(operation(hash, statedTime)), signature })).toBe(signer.address);
        // The same signature read with another stated time recovers to somebody else.
        expect(await recoverAddress({ hash: getSessionOperationDigest(operation(hash, statedTime + 1)), signature })).not.toBe(signer.address);
      }),
      { numRuns: 100 },
    );
  });

  it('generated keys sign session ops that recover to their address', async () => {
    await fc.assert(
      fc.asyncProperty(hashArb, async (hash) => {
        const signer = new SessionKeySigner();
        const signature = await signer.signDigest(getSessionOperationDigest(operation(hash)));
        expect(await recoverAddress({ hash: getSessionOperationDigest(operation(hash)), signature })).toBe(signer.address);
      }),
      { numRuns: 50 },
    );
  });

  it('keystores of random keys and passwords decrypt back to the key', async () => {
    await fc.assert(
      fc.asyncProperty(privateKeyArb, fc.string({ maxLength: 40 }), async (privateKey, password) => {
        const keystore = await encryptKeystore(privateKey, password, { n: 16, r: 1, p: 1 });
        expect(await decryptKeystore(JSON.stringify(keystore), password)).toBe(privateKey);
      }),
      { numRuns: 30 },
    );
  });
});
