import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ApiError, WorkFailed } from '../exit.js';
import { defined, emit, numberArg, type OutputOptions } from '../output.js';
import { type ConnectionOptions, serverTarget } from './connection.js';

interface IntrospectOptions extends OutputOptions, ConnectionOptions {
  schema?: string;
  tables?: string;
  rows?: string;
  out?: string;
}

export function registerIntrospect(program: Command): void {
  // Server only: the catalog reader lives in the orchestrator, so no --database-url is offered.
  program
    .command('introspect')
    .description("Read a live schema into a dataset spec (calls the server's POST /api/introspect)")
    .option('--schema <name[,name…]>', "schema(s) to read (default: the server's TARGET_SCHEMA)")
    .option('--tables <a,b,…>', 'only these tables')
    .option('--rows <n>', 'rows per table in the spec (default 1000)')
    .option('-o, --out <file>', 'write the spec JSON to a file')
    .option('--server <url>', 'the running orchestrator, e.g. http://127.0.0.1:3000 (default: the stack npm start runs)')
    .option('--token <token>', 'API token for --server (default: $ROWFLOW_API_TOKEN)')
    .option('--json', 'print the full response as JSON')
    .action((opts: IntrospectOptions) => introspect(opts));
}

function list(raw: string | undefined): string[] | undefined {
  return raw?.split(',').map((s) => s.trim()).filter(Boolean);
}

/** One schema as a string (what every server accepts), several as a list. */
function schemaArg(raw: string | undefined): string | string[] | undefined {
  const names = list(raw);
  return names && names.length === 1 ? names[0] : names;
}

async function introspect(opts: IntrospectOptions): Promise<void> {
  const client = serverTarget(opts, 'introspect runs on the orchestrator, against its configured database');
  const body = defined({ schema: schemaArg(opts.schema), tables: list(opts.tables), rows: numberArg(opts.rows) });
  let res: { dataset: unknown; warnings?: unknown[] };
  try {
    res = await client.post('/api/introspect', body);
  } catch (err) {
    if (err instanceof ApiError && err.body.statusCode === 404 && !err.body.field) {
      throw new WorkFailed(`this server has no POST /api/introspect endpoint (introspection is not available in its version): ${err.body.message}`);
    }
    throw err;
  }
  if (opts.out) await writeFile(opts.out, `${JSON.stringify(res.dataset, null, 2)}\n`);
  emit(res, opts, () => `${opts.out ? `wrote the spec to ${opts.out}` : JSON.stringify(res.dataset, null, 2)}${res.warnings?.length ? `\nwarnings:\n${res.warnings.map((w) => `  ${typeof w === "string" ? w : JSON.stringify(w)}`).join('\n')}` : ''}`);
}
