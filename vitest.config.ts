import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  resolve: { alias: { '@': root } },
  test: {
    environment: 'node',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'lib/**/*.test.ts',
            'app/**/*.test.ts',
            'worker/**/*.test.ts',
            'protocol/**/*.test.ts',
            'scripts/**/*.test.ts',
            'tests/support/**/*.test.ts',
          ],
          exclude: ['**/*.db.test.ts', '**/node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        // The container deployment: deploy/compose.yaml through `docker-compose config`.
        extends: true,
        test: {
          name: 'deploy',
          include: ['deploy/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        // Data-layer tests: run once on embedded PGlite and once with DATABASE_URL=postgresql://…
        extends: true,
        test: {
          name: 'db',
          include: ['lib/**/*.db.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          poolOptions: { forks: { singleFork: true } },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Files run one at a time (npm test passes --no-file-parallelism), each in a fresh
          // process: rtc-node's native state, released by dispose(), is per process.
          poolOptions: { forks: { isolate: true } },
        },
      },
    ],
  },
});
