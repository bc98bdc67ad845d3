import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Run the workspace packages from their TypeScript sources (package.json "source" export condition).
    conditions: ['source'],
  },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/test/**/*.test.ts', 'bench/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    // End-to-end files start their own anvil + Alto; forks keep their exit hooks per file.
    pool: 'forks',
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
