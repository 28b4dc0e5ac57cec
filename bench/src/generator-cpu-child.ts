/**
 * Child process of generator-bench: the in-process lines (CPU time), interleaved round by round,
 * printed as JSON. They run here rather than in the bench process because a row stream's output
 * buffers are external memory: in the bench's own heap (faker, earlier results, the harness)
 * every few hundred MB of them set off a full mark-compact of that heap, which a process doing
 * nothing else (the generator's, this child) does not pay.
 */
import { best, libThroughput, naiveFakerUsers, type Throughput } from './generator-loops.js';

type Contender = 'naive' | 'naiveNdjson' | 'csv' | 'ndjson' | 'pgbench';

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? '100000');
  const runs: Record<Contender, Throughput[]> = { naive: [], naiveNdjson: [], csv: [], ndjson: [], pgbench: [] };
  for (let round = 1; round <= 3; round++) {
    runs.naive.push(naiveFakerUsers(rows / 10));
    runs.naiveNdjson.push(naiveFakerUsers(rows / 10, 'cpu', 'ndjson'));
    runs.csv.push(await libThroughput('users', 'csv', rows));
    runs.ndjson.push(await libThroughput('users', 'ndjson', rows));
    runs.pgbench.push(await libThroughput('pgbench_accounts', 'csv', rows * 3));
  }
  const out = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, best(v)]));
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
  process.exitCode = 1;
});
