import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { pack } from 'tar-fs';
import { packagedChromium, parseChromiumVersion, resolveChromium, systemChromiumCandidates, unpackChromium } from './support/chromium.js';

const directories: string[] = [];
const temporaryDirectory = () => {
  directories.push(fs.mkdtempSync(path.join(os.tmpdir(), 'leash-chromium-test-')));
  return directories.at(-1)!;
};
afterAll(() => directories.forEach((directory) => fs.rmSync(directory, { recursive: true, force: true })));

/** An executable that answers `--version` like a browser. */
function fakeBrowser(directory: string, name: string, versionLine: string): string {
  const file = path.join(directory, name);
  fs.writeFileSync(file, `#!/bin/sh\necho '${versionLine}'\n`, { mode: 0o755 });
  return file;
}

const packagedMajor = Number(packagedChromium().version.split('.')[0]);

describe('choosing the browser for the web tests', () => {
  it('reads the version of Chromium and Chrome builds', () => {
    expect(parseChromiumVersion('Chromium 153.0.8010.0 built on Debian GNU/Linux 12 (bookworm)')).toBe('153.0.8010.0');
    expect(parseChromiumVersion('Google Chrome 141.0.7390.54 ')).toBe('141.0.7390.54');
    expect(parseChromiumVersion('chromium-browser: command not found')).toBeUndefined();
  });

  it('finds executables named like Chromium on PATH, not other files', () => {
    const bin = temporaryDirectory();
    const chromium = fakeBrowser(bin, 'chromium', 'Chromium 200.0.0.0');
    fs.writeFileSync(path.join(bin, 'google-chrome'), 'not executable', { mode: 0o644 });
    expect(systemChromiumCandidates(`${bin}${path.delimiter}/nonexistent`)).toEqual([chromium]);
  });

  it('uses a system Chromium at least as new as the packaged one, and LEASH_CHROMIUM before both', async () => {
    const bin = temporaryDirectory();
    const recent = fakeBrowser(bin, 'recent', `Chromium ${packagedMajor}.0.1.2 built on Debian`);
    const choice = await resolveChromium({ override: '', candidates: [recent] });
    expect(choice).toMatchObject({ executablePath: recent, version: `${packagedMajor}.0.1.2`, source: 'system' });

    const chosen = fakeBrowser(bin, 'chosen', 'Chromium 90.0.0.0');
    expect(await resolveChromium({ override: chosen, candidates: [recent] })).toMatchObject({ executablePath: chosen, source: 'LEASH_CHROMIUM' });
    await expect(resolveChromium({ override: path.join(bin, 'missing'), candidates: [recent] })).rejects.toThrow(/LEASH_CHROMIUM=.*missing is not a Chromium that runs here/);
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')('falls back to the packaged Chromium when the system one is too old or broken, and says why', async () => {
    const bin = temporaryDirectory();
    const old = fakeBrowser(bin, 'old', `Chromium ${packagedMajor - 1}.0.0.0`);
    const broken = path.join(bin, 'broken');
    fs.writeFileSync(broken, '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const choice = await resolveChromium({ override: '', candidates: [old, broken] });
    expect(choice.source).toBe('packaged');
    expect(choice.version.startsWith(`${packagedMajor}.`)).toBe(true);
    expect(choice.reason).toContain(`${old} is Chromium ${packagedMajor - 1}.0.0.0, older than ${packagedMajor}`);
    expect(choice.reason).toContain(`${broken} does not run`);
    // It brings its own NSS libraries and fonts.
    expect(choice.env.LD_LIBRARY_PATH?.split(':')[0]).toBe(path.join(path.dirname(choice.executablePath), 'lib'));
    expect(fs.existsSync(path.join(path.dirname(choice.executablePath), 'lib', 'libnss3.so'))).toBe(true);
    expect(fs.readFileSync(choice.env.FONTCONFIG_FILE!, 'utf8')).toContain(`<dir>${path.join(path.dirname(choice.executablePath), 'fonts')}</dir>`);
  });
});

describe('unpacking the packaged Chromium', () => {
  /** A package directory laid out like @sparticuz/chromium's, with a fake browser and tiny archives. */
  async function fakePackage(): Promise<string> {
    const root = temporaryDirectory();
    const bin = path.join(root, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'chromium.br'), zlib.brotliCompressSync("#!/bin/sh\necho 'Chromium 153.0.1.0'\n"));
    for (const [archive, file] of [
      ['al2023.tar.br', 'lib/libnss3.so'],
      ['fonts.tar.br', 'fonts/Open_Sans/OpenSans-Regular.ttf'],
    ] as const) {
      const source = path.join(root, 'source', archive);
      fs.mkdirSync(path.dirname(path.join(source, file)), { recursive: true });
      fs.writeFileSync(path.join(source, file), archive);
      await pipeline(pack(source), zlib.createBrotliCompress(), fs.createWriteStream(path.join(bin, archive)));
    }
    return root;
  }

  it('unpacks once, even when several runs start at the same time, and leaves no partial directory', async () => {
    const packageDirectory = await fakePackage();
    const cache = path.join(temporaryDirectory(), 'leash-chromium', '153.0.0');
    const results = await Promise.all([1, 2, 3, 4].map(() => unpackChromium(packageDirectory, cache)));
    for (const result of results) expect(result.executablePath).toBe(path.join(cache, 'chromium'));
    expect(execFileSync(path.join(cache, 'chromium'), ['--version'], { encoding: 'utf8' })).toBe('Chromium 153.0.1.0\n');
    expect(fs.readFileSync(path.join(cache, 'lib', 'libnss3.so'), 'utf8')).toBe('al2023.tar.br');
    expect(fs.readdirSync(path.dirname(cache))).toEqual(['153.0.0']);

    // Later runs reuse it without unpacking again.
    const mtime = fs.statSync(path.join(cache, 'chromium')).mtimeMs;
    await unpackChromium(packageDirectory, cache);
    expect(fs.statSync(path.join(cache, 'chromium')).mtimeMs).toBe(mtime);
  });
});
