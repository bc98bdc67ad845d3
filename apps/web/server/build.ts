import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

// apps/web, found from this file whether it runs from server/ (sources) or dist/server/ (built).
function findWebRoot(): string {
  for (let dir = import.meta.dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === '@leash/web') return dir;
  }
  throw new Error(`The @leash/web package was not found above ${import.meta.dirname}.`);
}

const webRoot = findWebRoot();
const repoRoot = path.resolve(webRoot, '..', '..');

/** Where the built browser assets are. */
export const webAppDirectory = path.join(webRoot, 'dist', 'app');

// What the bundle is made of: when any of these is newer than the build, the build is stale.
const buildInputs = [
  path.join(webRoot, 'index.html'),
  path.join(webRoot, 'src'),
  path.join(webRoot, 'server', 'config.ts'),
  path.join(webRoot, 'tsconfig.app.json'),
  path.join(repoRoot, 'packages', 'sdk', 'src'),
];
const stampFile = path.join(webAppDirectory, '.built');

function newestModification(target: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestModification(path.join(target, entry)));
  return newest;
}

/** Whether the browser assets are missing or older than their sources (the app's or the SDK's). */
export function isWebAppBuildStale(): boolean {
  let built: number;
  try {
    built = fs.statSync(stampFile).mtimeMs;
  } catch {
    return true;
  }
  return buildInputs.some((input) => newestModification(input) > built);
}

/** Whether the sources to build the app are here (they are in the repository; a packaged copy may hold only assets). */
function canBuild(): boolean {
  return fs.existsSync(path.join(webRoot, 'index.html')) && fs.existsSync(path.join(webRoot, 'src'));
}

/**
 * Type-checks the browser code and builds it with Vite into `apps/web/dist/app`. The new build replaces the old one
 * only once complete, so a server running meanwhile never serves half a build.
 */
export async function buildWebApp(options: { log?: ((line: string) => void) | undefined } = {}): Promise<void> {
  const log = options.log ?? (() => {});
  const require = createRequire(import.meta.url);
  const tsc = path.join(path.dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  log('Type-checking the web session manager');
  execFileSync(process.execPath, [tsc, '-p', path.join(webRoot, 'tsconfig.app.json')], { cwd: webRoot, stdio: 'inherit' });

  // Vite is a development dependency: load it only to build.
  const vite = await import('vite');
  const { default: react } = await import('@vitejs/plugin-react');
  const temporary = path.join(webRoot, 'dist', `.app-${process.pid}-${Date.now()}`);
  log('Building the web session manager with Vite');
  try {
    await vite.build({
      configFile: false,
      root: webRoot,
      base: './',
      logLevel: 'warn',
      plugins: [react()],
      // The SDK from its TypeScript sources, like the tests: no stale dist in the bundle.
      resolve: { conditions: ['source', ...vite.defaultClientConditions] },
      build: { outDir: temporary, emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 2_000 },
    });
    fs.writeFileSync(path.join(temporary, '.built'), `${new Date().toISOString()}\n`);
    fs.rmSync(webAppDirectory, { recursive: true, force: true });
    fs.renameSync(temporary, webAppDirectory);
  } finally {
    fs.rmSync(temporary, { recursive: true, force: true });
  }
}

/**
 * Builds the browser assets when they are missing or stale (and the sources are here); otherwise does nothing.
 * Returns whether it built.
 */
export async function ensureWebAppBuilt(options: { log?: ((line: string) => void) | undefined } = {}): Promise<boolean> {
  if (!canBuild() || !isWebAppBuildStale()) return false;
  await buildWebApp(options);
  return true;
}
