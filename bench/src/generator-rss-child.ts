/**
 * Child process of generator-bench: streams `rows` rows of a catalog table through the library
 * into a byte counter and prints {rows, bytes, maxRssMb} as JSON. One process per size, so peak
 * RSS belongs to that size alone.
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createRowStream, type StreamFormat } from '@rowflow/generator';
import { findTable } from '@rowflow/schema';

async function main(): Promise<void> {
  const [table = 'users', rowsArg = '100000', format = 'csv'] = process.argv.slice(2);
  const rows = Number(rowsArg);
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      cb();
    },
  });
  await pipeline(createRowStream({ spec: findTable(table), seed: 1, rows, format: format as StreamFormat }), sink);
  process.stdout.write(`${JSON.stringify({ rows, bytes, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
  process.exitCode = 1;
});
