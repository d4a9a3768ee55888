/**
 * The `pnpm bench` command: parses the flags, runs the benchmark with progress on stderr, prints
 * the report on stdout and writes it to `--out`. Ctrl-C cancels the measurement under way and
 * stops sshd before exiting; a second Ctrl-C exits at once (sshd is then killed by its PID on
 * the way out).
 */
import { writeFile } from 'node:fs/promises';
import { parseBenchArgs, runBench, USAGE } from './bench.js';

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseBenchArgs>;
  try {
    parsed = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const stop = new AbortController();
  process.on('SIGINT', () => {
    if (stop.signal.aborted) process.exit(130);
    process.stderr.write('bench: interrupted, stopping sshd (Ctrl-C again to exit at once)\n');
    stop.abort(new Error('interrupted'));
  });
  try {
    const report = await runBench({
      ...parsed.options,
      log: (line) => process.stderr.write(`${line}\n`),
      signal: stop.signal,
    });
    process.stdout.write(report.markdown);
    if (parsed.options.out !== undefined) await writeFile(parsed.options.out, report.markdown);
    return 0;
  } catch (error) {
    if (stop.signal.aborted) return 130;
    process.stderr.write(
      `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}

process.exitCode = await main();
