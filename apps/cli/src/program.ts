import { Command, CommanderError } from 'commander';
import { registerDb } from './commands/db.js';
import { registerExport } from './commands/export.js';
import { registerFidelity } from './commands/fidelity.js';
import { registerGenerate } from './commands/generate.js';
import { registerIntrospect } from './commands/introspect.js';
import { registerJobs } from './commands/jobs.js';
import { registerLoad } from './commands/load.js';
import { registerVerify } from './commands/verify.js';
import { LOG_LEVELS } from '@rowflow/platform';
import { EXIT, exitCodeOf, Interrupted, UsageError, WorkFailed } from './exit.js';
import { emitError } from './output.js';

const EXIT_HELP = `
Without --server or --database-url (or DATABASE_URL), commands use the stack \`npm start\` is
running: it leaves its URLs in .rowflow/stack.json (ROWFLOW_DATA_DIR) while it runs.

Exit codes: 0 done, 1 failed work (job failed, verify found a difference, server error),
2 bad usage (the message names the field, as the HTTP API does), 130 interrupted (Ctrl-C;
rerun the same load/export command to continue).`;

export function buildProgram(): Command {
  const program = new Command('rowflow')
    .description('Rowflow: seeded, reproducible test data — generate, load into PostgreSQL, export, verify')
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .addHelpText('after', EXIT_HELP)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  registerGenerate(program);
  registerLoad(program);
  registerJobs(program);
  registerExport(program);
  registerVerify(program);
  registerIntrospect(program);
  registerFidelity(program);
  registerDb(program);
  // Subcommands inherit exitOverride only when set on each (commander applies it per command).
  for (const c of program.commands) {
    c.exitOverride().showSuggestionAfterError(true);
    for (const s of c.commands) s.exitOverride().showSuggestionAfterError(true);
  }
  return program;
}

/** Parses and runs; returns the exit code (never calls process.exit for normal outcomes). */
export async function run(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  try {
    checkEnvironment(process.env);
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successes; every other commander error is bad usage.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof Interrupted) {
      process.stderr.write(`${err.message}\n`);
      return EXIT.interrupted;
    }
    // A failed result (job failed, verify mismatch) was already printed as the command's output.
    emitError(err, json && !(err instanceof WorkFailed && err.body !== undefined));
    return exitCodeOf(err);
  }
}

/** Environment the CLI reads itself, checked like a flag: a typo is bad usage, not a silent default. */
function checkEnvironment(env: NodeJS.ProcessEnv): void {
  const level = env.LOG_LEVEL;
  if (level !== undefined && !(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got ${JSON.stringify(level)}`, 'LOG_LEVEL');
  }
}
