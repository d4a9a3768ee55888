import { defineConfig } from 'vitest/config';

// vitest 5 prints failures with Map.groupBy (ES2024, Node 21+); on Node 20 it would crash while
// reporting a failed test, so supply it here, in the process that reports.
const MapWithGroupBy = Map as unknown as { groupBy?: unknown };
MapWithGroupBy.groupBy ??= <K, V>(items: Iterable<V>, key: (item: V, index: number) => K): Map<K, V[]> => {
  const out = new Map<K, V[]>();
  let i = 0;
  for (const item of items) {
    const k = key(item, i++);
    const group = out.get(k);
    if (group) group.push(item);
    else out.set(k, [item]);
  }
  return out;
};

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
          name: 'fuzz',
          include: ['conformance/fuzz/**/*.test.ts'],
          testTimeout: 600_000,
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
          // seashell, like ssh, uses SSH_AUTH_SOCK by default: the developer's own agent must not
          // add keys to the tests' logins. The agent tests point at agents of their own.
          env: { SSH_AUTH_SOCK: '' },
        },
      },
    ],
  },
});
