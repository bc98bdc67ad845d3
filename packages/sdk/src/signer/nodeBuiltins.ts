// Node built-ins, imported lazily through a specifier bundlers do not follow, so that the signer stays safe to bundle
// for browsers; in a browser `nodeBuiltin` resolves to undefined.
type NodeBuiltins = {
  'node:crypto': typeof import('node:crypto');
  'node:fs/promises': typeof import('node:fs/promises');
  'node:path': typeof import('node:path');
};

const isNode = () => typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

/**
 * A Node built-in module, or undefined outside Node.
 *
 * @example
 * ```ts
 * const fs = await nodeBuiltin('node:fs/promises')
 * ```
 */
export async function nodeBuiltin<const Name extends keyof NodeBuiltins>(name: Name): Promise<NodeBuiltins[Name] | undefined> {
  if (!isNode()) return undefined;
  const specifier: string = name;
  return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier) as Promise<NodeBuiltins[Name]>;
}
