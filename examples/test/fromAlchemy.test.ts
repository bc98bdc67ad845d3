import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleTimeout, expectOwnStackStopped, startExample } from './helpers.js';

const source = fs.readFileSync(path.resolve(import.meta.dirname, '../src/fromAlchemy.ts'), 'utf8');

describe('npm run example:from-alchemy (issue 19, item 2)', () => {
  it("keeps the plugin's code: only the imports and the client creations are Leash's", () => {
    // The plugin's lines, as its docs write them, appear verbatim.
    for (const line of [
      'const isPluginInstalled = await client.getInstalledPlugins({}).then((x) => x.includes(SessionKeyPlugin.meta.addresses[chain.id]!));',
      '.setContractAccessControlType(SessionKeyAccessListType.ALLOW_ALL_ACCESS)',
      'const { hash } = await client.installSessionKeyPlugin({ args: [[await sessionKeySigner.getAddress()], [zeroHash], [initialPermissions.encode()]] });',
      'await client.waitForUserOperationTransaction({ hash });',
      "await client.addSessionKey({ key, tag: keccak256(new TextEncoder().encode('session-key-tag')), permissions: new SessionKeyPermissionsBuilder().encode() });",
      'await client.updateKeyPermissions({ args: [key, permissions.encode()] });',
      'await client.rotateSessionKey({ oldKey: key, newKey });',
      'await client.removeSessionKey({ key: newKey });',
    ])
      expect(source).toContain(line);
    expect(source).toContain("from '@leash/sdk/alchemy'");
  });

  it('runs the install, execute, add, update, rotate, list and remove flow on a local stack, and stops it', async () => {
    const run = startExample({ npmScript: 'example:from-alchemy' });
    const code = await run.exit;
    const out = run.stdout();
    expect(code, `${out}\n${run.stderr()}`).toBe(0);
    expect(out).toContain('Plugin installed before: false; session key 0x');
    expect(out).toMatch(/Executed in user op 0x[0-9a-f]{64}; the recipient got 1 wei/);
    expect(out).toMatch(/Keys after add and rotate: 2 \(0x[0-9a-fA-F]{40}, 0x[0-9a-fA-F]{40}\); the rotated key is a session key: true/);
    expect(out).toMatch(/After remove: 1 key\(s\); 0x[0-9a-fA-F]{40} is a session key: false/);
    expectOwnStackStopped(run);
  }, exampleTimeout);
});
