/**
 * JOB_ROW_SOURCE=local generates job rows inside the orchestrator. Determinism means the table
 * must be byte-for-byte what the generator service would have produced: checked against a plain
 * COPY of the generator's own CSV, with the orchestrator pointed at no generator at all.
 */
import { describe, expect, it } from 'vitest';
import { loadReference, postJson, tableMd5, waitForState } from '../jobs/stack.js';
import { useStack } from '../support/index.js';

const stack = useStack({ env: { JOB_ROW_SOURCE: 'local', WORKER_CONCURRENCY: '2' }, generator: 'unreachable' });

describe('JOB_ROW_SOURCE=local', () => {
  it('writes exactly the rows the generator service would, without reaching it', async () => {
    const res = await postJson(`${stack.orch.url}/api/jobs`, { table: 'users', rows: 9_999, seed: 21, partitions: 2, chunkSize: 1500, targetTable: 'users_local' });
    expect(res.status).toBe(202);
    const job = await waitForState(stack.orch.url, res.body.id, ['completed', 'failed']);
    expect(job).toMatchObject({ state: 'completed', rowsWritten: 9_999, rowsSkipped: 0 });
    const ref = await loadReference(stack.pool, stack.gen.url, 'users_local', 'users', 9_999, 21);
    const got = await tableMd5(stack.pool, 'users_local', 'id');
    expect(got.n).toBe(9_999);
    expect(got).toEqual(await tableMd5(stack.pool, ref, 'id'));
  });
});
