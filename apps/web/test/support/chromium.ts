import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { type Browser, chromium } from 'playwright-core';
import { extract } from 'tar-fs';

/**
 * The browser the web tests drive. `npm ci && npm test` needs nothing but Node and npm, so a browser always comes
 * from the npm registry: @sparticuz/chromium ships a Linux x64 Chromium (a headless shell) inside the package. A
 * Chromium installed on the machine is used instead when it is at least as new as the packaged one, and
 * `LEASH_CHROMIUM=/path/to/chrome` picks one by hand.
 */
export type ChromiumChoice = {
  executablePath: string;
  /** Full version, e.g. `153.0.8010.0`. */
  version: string;
  source: 'LEASH_CHROMIUM' | 'system' | 'packaged';
  /** Environment of the browser process (the packaged one brings its own NSS libraries and fonts). */
  env: NodeJS.ProcessEnv;
  /** Why this browser: shown in the test log. */
  reason: string;
};

/**
 * Chromium flags. Playwright already starts each browser with a fresh temporary profile (`--user-data-dir`, deleted on
 * close), `--no-first-run`, `--disable-background-networking`, `--disable-component-update` and `--disable-sync`; they
 * are repeated here so that the list does not depend on Playwright's defaults. Without them, on a closed network,
 * Chromium keeps trying to reach Google's services.
 */
export const chromiumArgs = [
  '--no-sandbox', // as root (CI), Chromium refuses to start with its sandbox
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const require = createRequire(import.meta.url);

/** The @sparticuz/chromium package: its directory and version (found without running its code, which sets up AWS Lambda's environment). */
export function packagedChromium(): { directory: string; version: string } {
  const directory = path.resolve(path.dirname(require.resolve('@sparticuz/chromium')), '..');
  const { version } = JSON.parse(fs.readFileSync(path.join(directory, 'package.json'), 'utf8')) as { version: string };
  return { directory, version };
}

/** The major version in a browser's `--version` line (`Chromium 153.0.8010.0 built on Debian`), or undefined. */
export function parseChromiumVersion(line: string): string | undefined {
  return /\b(\d+\.\d+\.\d+\.\d+)\b/.exec(line)?.[1];
}

const majorOf = (version: string) => Number(version.split('.')[0]);

function versionOf(executable: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  return new Promise((resolve) => {
    // A snap stub or a broken install may hang or print something else: both mean "not usable".
    execFile(executable, ['--version'], { timeout: 15_000, env }, (error, stdout) => resolve(error ? undefined : parseChromiumVersion(stdout)));
  });
}

const systemNames = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome', 'chrome'];
const macApplications = [
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** Executables named like Chromium or Chrome on PATH, then the usual macOS application paths. */
export function systemChromiumCandidates(pathVariable = process.env.PATH ?? ''): string[] {
  const found: string[] = [];
  for (const name of systemNames) {
    for (const directory of pathVariable.split(path.delimiter).filter(Boolean)) {
      const candidate = path.join(directory, name);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile() && !found.includes(candidate)) found.push(candidate);
      } catch {
        // not here
      }
    }
  }
  return [...found, ...macApplications.filter((app) => fs.existsSync(app))];
}

type ResolveOptions = {
  /** Default: LEASH_CHROMIUM. */
  override?: string | undefined;
  /** Default: {@link systemChromiumCandidates}. */
  candidates?: string[] | undefined;
  /** Where the packaged Chromium is unpacked; default node_modules/.cache/leash-chromium/<version>. */
  cacheDirectory?: string | undefined;
};

/**
 * Picks the browser: `LEASH_CHROMIUM` when set; else the first system Chromium whose major version is at least the
 * packaged one's (an older one may not speak the DevTools protocol Playwright expects); else the packaged one,
 * unpacked on first use. Fails with what to do when none fits (the packaged one is Linux x64 only).
 */
export async function resolveChromium(options: ResolveOptions = {}): Promise<ChromiumChoice> {
  const packaged = packagedChromium();
  const override = options.override ?? process.env.LEASH_CHROMIUM;
  if (override) {
    const version = await versionOf(override);
    if (!version) throw new Error(`LEASH_CHROMIUM=${override} is not a Chromium that runs here (\`${override} --version\` failed).`);
    return { executablePath: override, version, source: 'LEASH_CHROMIUM', env: process.env, reason: 'set by LEASH_CHROMIUM' };
  }

  const skipped: string[] = [];
  for (const candidate of options.candidates ?? systemChromiumCandidates()) {
    const version = await versionOf(candidate);
    if (version && majorOf(version) >= majorOf(packaged.version))
      return { executablePath: candidate, version, source: 'system', env: process.env, reason: `installed on this machine` };
    skipped.push(version ? `${candidate} is Chromium ${version}, older than ${majorOf(packaged.version)}` : `${candidate} does not run`);
  }

  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(
      `No Chromium for the browser tests: @sparticuz/chromium ships one for Linux x64 only, and this is ${process.platform} ${process.arch}. ` +
        `Install Chromium or Chrome ${majorOf(packaged.version)} or newer, or set LEASH_CHROMIUM to one.${skipped.length ? ` (${skipped.join('; ')})` : ''}`,
    );
  const cacheDirectory = options.cacheDirectory ?? path.resolve(packaged.directory, '..', '..', '.cache', 'leash-chromium', packaged.version);
  const unpacked = await unpackChromium(packaged.directory, cacheDirectory);
  const version = await versionOf(unpacked.executablePath, unpacked.env);
  if (!version) throw new Error(`The packaged Chromium at ${unpacked.executablePath} does not run (\`--version\` failed); remove ${cacheDirectory} to unpack it again.`);
  const reason = `from @sparticuz/chromium ${packaged.version}${skipped.length ? ` (${skipped.join('; ')})` : ''}`;
  return { executablePath: unpacked.executablePath, version, source: 'packaged', env: unpacked.env, reason };
}

async function unbrotli(source: string, target: string, mode = 0o644): Promise<void> {
  await pipeline(fs.createReadStream(source), zlib.createBrotliDecompress(), fs.createWriteStream(target, { mode }));
}

async function untarBrotli(source: string, target: string): Promise<void> {
  await pipeline(fs.createReadStream(source), zlib.createBrotliDecompress(), extract(target));
}

/**
 * Unpacks the packaged Chromium once into `directory`: the browser, the NSS libraries it links (built for Amazon
 * Linux 2023, so that no system library is needed) and Open Sans with a fontconfig file (text renders on a machine
 * with no fonts; the system's fonts still apply where there are some). Several test runs may unpack at the same
 * time: each writes its own temporary directory and renames it into place; the first rename wins.
 */
export async function unpackChromium(packageDirectory: string, directory: string): Promise<{ executablePath: string; env: NodeJS.ProcessEnv }> {
  const executablePath = path.join(directory, 'chromium');
  const env = {
    ...process.env,
    LD_LIBRARY_PATH: [path.join(directory, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
    FONTCONFIG_FILE: path.join(directory, 'fonts.conf'),
  };
  if (fs.existsSync(path.join(directory, '.complete'))) return { executablePath, env };

  const bin = path.join(packageDirectory, 'bin');
  fs.mkdirSync(path.dirname(directory), { recursive: true });
  const temporary = fs.mkdtempSync(`${directory}.partial-`);
  try {
    await Promise.all([
      unbrotli(path.join(bin, 'chromium.br'), path.join(temporary, 'chromium'), 0o755),
      untarBrotli(path.join(bin, 'al2023.tar.br'), temporary), // lib/
      untarBrotli(path.join(bin, 'fonts.tar.br'), temporary), // fonts/ and a fonts.conf for AWS Lambda's paths
    ]);
    fs.writeFileSync(
      path.join(temporary, 'fonts.conf'),
      [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
        '<fontconfig>',
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
        `  <dir>${path.join(directory, 'fonts')}</dir>`,
        `  <cachedir>${path.join(directory, 'fontconfig-cache')}</cachedir>`,
        '</fontconfig>',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(temporary, '.complete'), '');
    fs.renameSync(temporary, directory);
  } catch (error) {
    fs.rmSync(temporary, { recursive: true, force: true });
    // Another run unpacked it first.
    if (fs.existsSync(path.join(directory, '.complete'))) return { executablePath, env };
    throw error;
  }
  return { executablePath, env };
}

/** Launches the chosen Chromium headless with {@link chromiumArgs}. */
export async function launchChromium(choice: ChromiumChoice): Promise<Browser> {
  return chromium.launch({ executablePath: choice.executablePath, headless: true, args: chromiumArgs, env: choice.env });
}
