/**
 * Timing one measurement: wall time with `performance.now()`, best of N, a deadline so that a
 * stall becomes a reported failure instead of a hung run, and the bench process's own CPU use
 * (to tell a CPU-bound side from one that waits).
 */

/** The best run: seconds of wall time, and the bench process's CPU time over it (1 = one core). */
export type Timing = { readonly seconds: number; readonly cpu: number } | { readonly error: string };

/**
 * Runs `work` `repeat` times and returns the shortest, or the first failure. Each run is cancelled
 * after `timeoutMs`; an abort of `outer` cancels it and rethrows.
 */
export async function best(
  repeat: number,
  timeoutMs: number,
  outer: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<void>,
): Promise<Timing> {
  let fastest: Timing | undefined;
  for (let i = 0; i < repeat; i++) {
    outer?.throwIfAborted();
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new Error(`no result after ${(timeoutMs / 1000).toFixed(0)} s (stalled?)`)),
      timeoutMs,
    );
    const signal = outer ? AbortSignal.any([outer, deadline.signal]) : deadline.signal;
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    try {
      await work(signal);
      const seconds = (performance.now() - start) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      if (fastest === undefined || ('seconds' in fastest && seconds < fastest.seconds)) {
        fastest = { seconds, cpu: (cpu.user + cpu.system) / 1e6 / seconds };
      }
    } catch (error) {
      outer?.throwIfAborted();
      return { error: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }
  if (fastest === undefined) throw new RangeError('repeat must be at least 1');
  return fastest;
}
