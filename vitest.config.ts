import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Run the workspace packages from their TypeScript sources (package.json "source" export condition).
    conditions: ['source'],
  },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/test/**/*.test.ts', 'bench/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    // End-to-end files start their own anvil + Alto; forks keep their exit hooks per file.
    pool: 'forks',
    // The end-to-end files mostly wait (for the bundler, for block times, for a period to end): three at a time keep
    // two cores busy (the default on two cores is one file at a time).
    maxWorkers: 3,
    globalSetup: ['test/globalSetup.ts'],
    setupFiles: ['test/fastCheckSeed.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
