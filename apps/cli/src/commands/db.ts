import { spawn } from 'node:child_process';
import { redactedUrl } from '@rowflow/platform';
import type { Command } from 'commander';
import { databaseUrl } from '../engine/database.js';
import { runningStack } from '../engine/discovery.js';
import { WorkFailed } from '../exit.js';

interface DbOptions {
  databaseUrl?: string;
  showPassword?: boolean;
}

const INSTALL_PSQL = `psql (the PostgreSQL client) is not installed; none ships with Rowflow. Install it:
  Debian/Ubuntu: apt-get install postgresql-client
  Fedora/RHEL:   dnf install postgresql
  macOS:         brew install libpq && brew link --force libpq
or connect any client with the URL from: rowflow db url`;

/** `rowflow db url` and `rowflow psql`: the database of --database-url, DATABASE_URL or the running stack. */
export function registerDb(program: Command): void {
  const db = program.command('db').description('The database Rowflow works in (--database-url, DATABASE_URL, or the stack npm start runs)');
  db.command('url')
    .description('Print its connection URL (a password other than the embedded role\'s is shown as *** unless --show-password)')
    .option('--database-url <url>', 'this database (default: $DATABASE_URL, else the running stack\'s)')
    .option('--show-password', 'print the password of a database you configured yourself')
    .action((opts: DbOptions) => {
      const { url, embedded } = resolveDatabase(opts);
      process.stdout.write(`${embedded || opts.showPassword ? url : redactedUrl(url)}\n`);
    });
  program
    .command('psql')
    .description('Open psql on that database (arguments after -- go to psql, e.g. rowflow psql -- -c "select 1")')
    .option('--database-url <url>', 'this database (default: $DATABASE_URL, else the running stack\'s)')
    .argument('[psqlArgs...]', 'passed to psql')
    .action((psqlArgs: string[], opts: DbOptions) => psql(resolveDatabase(opts).url, psqlArgs));
}

/** --database-url, DATABASE_URL, else the running stack's database. */
function resolveDatabase(opts: DbOptions): { url: string; embedded: boolean } {
  if (opts.databaseUrl === undefined && !process.env.DATABASE_URL) {
    const stack = runningStack();
    if (stack) return { url: stack.databaseUrl, embedded: stack.embedded };
  }
  return { url: databaseUrl(opts.databaseUrl), embedded: false };
}

/**
 * Runs psql with the URL minus its password, which goes in PGPASSWORD: a command line is
 * visible to every user of the machine (`ps`), a child's environment is not.
 */
function psql(url: string, args: string[]): Promise<void> {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  const env = { ...process.env, ...(password ? { PGPASSWORD: password } : {}) };
  return new Promise((done, fail) => {
    const child = spawn('psql', [parsed.toString(), ...args], { stdio: 'inherit', env });
    child.on('error', (err: NodeJS.ErrnoException) => fail(err.code === 'ENOENT' ? new WorkFailed(INSTALL_PSQL) : err));
    child.on('exit', (code, signal) => (code === 0 ? done() : fail(new WorkFailed(`psql exited with ${signal ?? `code ${code}`}`))));
  });
}
