import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

// The CLI tests run the built CLI (packages/*/dist), as users do: build first (incremental, and a type check too).
export default function setup(): void {
  const require = createRequire(import.meta.url);
  const tsc = path.join(path.dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-b'], { stdio: 'inherit', cwd: path.resolve(import.meta.dirname, '..') });
}
