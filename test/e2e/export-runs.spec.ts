import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ExportsService } from '../../apps/orchestrator/src/exports/exports.service.js';
import { waitFor } from '../cli/cli-harness.js';
import { postJson, useExportServer } from '../support/index.js';

/** What a finished export run leaves behind in the server process: nothing. */
const server = useExportServer({
  poolMax: 2,
  dirPrefix: 'rowflow-export-runs-',
  prepare: async (pool) => {
    await pool.query('CREATE TABLE small AS SELECT g AS id FROM generate_series(1, 100) g');
    await pool.query('ALTER TABLE small ADD PRIMARY KEY (id)');
  },
});

describe('export runs in the server', () => {
  it('a finished run no longer listens on the shutdown signal (listeners would pile up with every export)', async () => {
    // The export lifecycle's shutdown signal, which every run listens on while it runs.
    const lifecycle = (server.orch.app.get(ExportsService) as unknown as { orchestrator: { signal: AbortSignal; running: Map<string, unknown> } }).orchestrator;
    const stopping = lifecycle.signal;
    for (let i = 0; i < 3; i++) {
      const res = await postJson(`${server.orch.url}/api/exports`, { table: 'small' });
      expect(res.status).toBe(202);
      await waitFor(async () => {
        const s = await (await fetch(`${server.orch.url}/api/exports/${res.body.id}`)).json();
        return s.state === 'completed' ? s : undefined;
      }, `export ${res.body.id} completed`);
    }
    await waitFor(async () => (lifecycle.running.size === 0 ? true : undefined), 'no export run in flight');
    expect(getEventListeners(stopping, 'abort')).toHaveLength(0);
  });
});
