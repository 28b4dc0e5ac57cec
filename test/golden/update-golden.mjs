#!/usr/bin/env node
// Regenerates test/golden/generator-golden.json from the BUILT libs (run `npx tsc -b libs/generator` first):
//   node test/golden/update-golden.mjs            # rewrite the golden file (an intended output change)
//   node test/golden/update-golden.mjs --print    # print the checksums (used by the cross-process test)
// Changing generator output must change this file on purpose, and say so in the commit.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createRowStream } from '../../libs/generator/dist/index.js';
import { catalog } from '../../libs/schema/dist/index.js';
import { goldenCases } from './golden-cases.mjs';

async function checksum(c) {
  const spec = catalog.find((t) => t.name === c.table);
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createRowStream({ spec, seed: c.seed, rows: c.rows, offset: c.offset, format: c.format })) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

const out = {};
for (const c of goldenCases(catalog.map((t) => t.name))) out[c.key] = await checksum(c);
const json = `${JSON.stringify(out, null, 2)}\n`;
if (process.argv.includes('--print')) process.stdout.write(json);
else await writeFile(resolve(import.meta.dirname, 'generator-golden.json'), json);
