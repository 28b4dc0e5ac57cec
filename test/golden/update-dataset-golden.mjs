#!/usr/bin/env node
// Regenerates test/golden/dataset-golden.json (whole tables of every catalog dataset) from the
// BUILT libs (run `npx tsc -b libs/generator` first):
//   node test/golden/update-dataset-golden.mjs           # rewrite the file (an intended output change)
//   node test/golden/update-dataset-golden.mjs --print   # print the checksums (cross-process test)
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createDatasetRowStream } from '../../libs/generator/dist/index.js';
import { datasetCatalog, findDataset } from '../../libs/schema/dist/index.js';
import { datasetGoldenCases } from './dataset-golden-cases.mjs';

async function checksum(c) {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createDatasetRowStream({ dataset: findDataset(c.dataset), table: c.table, seed: c.seed, format: c.format })) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

const out = {};
for (const c of datasetGoldenCases(datasetCatalog)) out[c.key] = await checksum(c);
const json = `${JSON.stringify(out, null, 2)}\n`;
if (process.argv.includes('--print')) process.stdout.write(json);
else await writeFile(resolve(import.meta.dirname, 'dataset-golden.json'), json);
