import { bytesToHex, randomBytes } from '@noble/hashes/utils';
import type { KeystoreV3 } from './keystore.js';
import { parseKeystore } from './keystore.js';
import { SessionKeySignerError } from './errors.js';
import { nodeBuiltin } from './nodeBuiltins.js';

// Node-only helpers; node:fs is imported lazily (see nodeBuiltins.ts), so this module stays safe to bundle for browsers.
async function nodeModules() {
  const [fs, path] = await Promise.all([nodeBuiltin('node:fs/promises'), nodeBuiltin('node:path')]);
  if (!fs || !path)
    throw new SessionKeySignerError('Keystore files need Node.js.', {
      details: 'In a browser, keep the keystore from toKeystore in your own storage and load it with fromKeystore.',
    });
  return { fs, path };
}

/**
 * Reads and checks a keystore file (without decrypting it). Throws `InvalidKeystoreError` for malformed contents and
 * the file system's error (code `ENOENT`, …) when it cannot be read. Node only.
 *
 * @example
 * ```ts
 * const { address } = await readKeystoreFile('./agent-key.json')
 * ```
 */
export async function readKeystoreFile(path: string): Promise<KeystoreV3> {
  const { fs } = await nodeModules();
  return parseKeystore(await fs.readFile(path, 'utf8'));
}

/**
 * Writes a keystore file readable by its owner only (mode 0600), creating missing directories (mode 0700). The file
 * appears atomically, complete (written to a temporary file first). Refuses to replace an existing file (error code
 * `EEXIST`) unless `overwrite` is set. Node only.
 *
 * @example
 * ```ts
 * await writeKeystoreFile('./agent-key.json', await signer.toKeystore(password))
 * ```
 */
export async function writeKeystoreFile(path: string, keystore: KeystoreV3, options: { overwrite?: boolean | undefined } = {}): Promise<void> {
  const { fs, path: nodePath } = await nodeModules();
  const dir = nodePath.dirname(path);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const contents = `${JSON.stringify(keystore, null, 2)}\n`;
  const temp = nodePath.join(dir, `.${nodePath.basename(path)}.${randomSuffix()}.tmp`);
  await fs.writeFile(temp, contents, { mode: 0o600, flag: 'wx' });
  try {
    if (options.overwrite) {
      await fs.rename(temp, path);
      return;
    }
    try {
      // link() never replaces an existing file: concurrent first runs agree on one key, and readers never see a
      // partly written file.
      await fs.link(temp, path);
    } catch (error) {
      if (isFsError(error, 'EEXIST')) throw error;
      // A file system without hard links: exclusive create, then write.
      await fs.writeFile(path, contents, { mode: 0o600, flag: 'wx' });
    }
  } finally {
    await fs.rm(temp, { force: true });
  }
}

const randomSuffix = () => bytesToHex(randomBytes(8));

/**
 * Whether an error is a Node file system error with this code.
 *
 * @example
 * ```ts
 * if (isFsError(error, 'ENOENT')) console.log('no keystore yet')
 * ```
 */
export function isFsError(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
