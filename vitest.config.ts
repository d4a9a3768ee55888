import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'interop',
          include: ['conformance/test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // Interop tests start real sshd / ssh processes: run files one at a time on 2 cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
