/**
 * `npm run bench`: runs every `*-bench.js` next to this file (or only those named on the command
 * line: `npm run bench -- generator`), prints one table of figures, and writes it as JSON and
 * Markdown under bench-output/ for docs/benchmarks.md.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SpawnedPostgres } from '@rowflow/devdb';
import { type BenchResult, harness, type Harness, ROOT } from './harness.js';

type BenchModule = { run(h: Harness): Promise<BenchResult[]> };

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

function markdown(results: BenchResult[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${fmt(r.value)} ${r.unit} | ${r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}× ${r.baseline ?? ''}`} | ${r.target ?? ''} | ${r.note ?? ''} |`,
  );
  return ['| benchmark | value | ratio vs baseline | target | note |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = (await readdir(import.meta.dirname)).filter((f) => f.endsWith('-bench.js')).sort();
  const pgs: SpawnedPostgres[] = [];
  const h = harness(pgs);
  const results: BenchResult[] = [];
  try {
    for (const file of files) {
      if (only.length && !only.some((o) => file.startsWith(o))) continue;
      h.log(`running ${file}`);
      const mod = (await import(resolve(import.meta.dirname, file))) as BenchModule;
      results.push(...(await mod.run(h)));
    }
  } finally {
    await Promise.all(pgs.map((p) => p.stop()));
  }
  const md = markdown(results);
  process.stdout.write(`\n${md}\n\nbench process peak RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB\n`);
  await mkdir(resolve(ROOT, 'bench-output'), { recursive: true });
  await writeFile(resolve(ROOT, 'bench-output', 'latest.json'), JSON.stringify(results, null, 2));
  await writeFile(resolve(ROOT, 'bench-output', 'latest.md'), md + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
  process.exitCode = 1;
});
