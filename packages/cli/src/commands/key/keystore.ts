import fs from 'node:fs';
import type { Address } from 'viem';
import { SessionKeySigner, writeKeystoreFile } from '@leash/sdk';
import { keystorePath } from '../../state.js';
import { type Target, resolveKeyPassword } from '../../target.js';

/** A generated session key, already stored encrypted, with a way to take it back if its op fails. */
export type StoredKey = { address: Address; path: string; devPassword: boolean; discard(): void };

/**
 * Generates a session key and writes its keystore before the op that grants it is sent, so the key is never lost.
 * Keystores under the public dev password use a light KDF: the password protects nothing, so a strong KDF would only
 * slow local development down.
 */
export async function generateStoredKey(target: Target, password: string | undefined): Promise<StoredKey> {
  const resolved = resolveKeyPassword(target, password);
  const signer = new SessionKeySigner();
  const path = keystorePath(signer.address);
  await writeKeystoreFile(path, await signer.toKeystore(resolved.password, resolved.devDefault ? { n: 4096 } : {}));
  return { address: signer.address, path, devPassword: resolved.devDefault, discard: () => fs.rmSync(path, { force: true }) };
}

/** Deletes the stored keystores of keys that no longer exist on-chain; returns the paths deleted. */
export function deleteStoredKeys(keys: readonly Address[]): string[] {
  const deleted: string[] = [];
  for (const key of keys) {
    const path = keystorePath(key);
    if (fs.existsSync(path)) {
      fs.rmSync(path);
      deleted.push(path);
    }
  }
  return deleted;
}

/** How the CLI labels a keystore's password. */
export function passwordLabel(devPassword: boolean): string {
  return devPassword ? 'encrypted with the public local dev password: local development only' : 'encrypted with your password';
}
