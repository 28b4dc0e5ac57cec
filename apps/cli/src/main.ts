#!/usr/bin/env node
/**
 * `rowflow` entry point. The job engine logs through pino to stdout; a CLI's stdout belongs to its
 * results (`--json`, `generate` rows), so library logging is off unless LOG_LEVEL asks for it. The
 * program is imported after that, because loggers are created when their modules load.
 */
if (!process.env.LOG_LEVEL) process.env.LOG_LEVEL = 'silent';
// `rowflow generate … | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(0);
});
const { run } = await import('./program.js');
process.exitCode = await run(process.argv);
