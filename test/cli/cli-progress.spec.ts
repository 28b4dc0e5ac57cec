import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, cli } from './cli-harness.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rowflow-progress-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('progress output', () => {
  it('on a terminal: a live bar with rows, rows/s, MB/s and ETA (run under a pseudo-terminal with script(1))', async () => {
    const out = join(work, 'tty.csv');
    // script(1) gives the CLI a real pty, so process.stderr.isTTY is true as in a user's shell.
    const { stdout } = await promisify(execFile)('script', ['-qec', `${process.execPath} ${CLI} generate --table users --rows 50000 --seed 1 -o ${out}`, '/dev/null'], { env: { ...process.env, LOG_LEVEL: 'silent' } });
    expect(stdout).toContain('generate users [');
    expect(stdout).toMatch(/50000\/50000 rows \| [\d,]+ rows\/s \| [\d.]+ MB\/s \| ETA/);
    expect(stdout).toContain('\u001b['); // cursor control: the bar redraws in place
  });

  it('not on a terminal: plain lines without escape codes, ending with a summary line', async () => {
    const res = await cli(['generate', '--table', 'users', '--rows', '20000', '--seed', '1', '-o', join(work, 'plain.csv')]);
    expect(res.code).toBe(0);
    expect(res.stderr).not.toContain('\u001b[');
    expect(res.stderr).toMatch(/generate users: 20,000 \/ 20,000 rows \(100%\), [\d,]+ rows\/s, [\d.]+ MB\/s/);
  });
});
