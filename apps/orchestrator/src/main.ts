import 'reflect-metadata';
import { ConfigError, exposureWarning, rootLogger } from '@rowflow/platform';
import { loadOrchestratorConfig } from './config/orchestrator-config.js';
import { DatabasePools } from './database/database-pools.js';
import { RowThreads } from './jobs/row-threads.js';

/**
 * pg-boss 10 calls `complete()`/`fail()` without awaiting them, so a database blip (Postgres
 * restarting) surfaces as an unhandled rejection that would kill the process mid-job. Job
 * exactness lives in the fenced checkpoints and lapsed partitions are re-queued, so those are
 * logged and survived; any other unhandled rejection still crashes, as a bug should.
 */
function survivePgBossRejections(log: ReturnType<typeof rootLogger>): void {
  process.on('unhandledRejection', (reason) => {
    const stack = reason instanceof Error ? (reason.stack ?? '') : '';
    if (stack.includes('pg-boss')) {
      log.warn({ err: (reason as Error).message }, 'pg-boss lost its database for a moment; continuing');
      return;
    }
    log.fatal({ err: reason }, 'unhandled rejection');
    process.exit(1);
  });
}

async function main(): Promise<void> {
  const config = loadOrchestratorConfig();
  const log = rootLogger(config.LOG_LEVEL, 'orchestrator', config.LOG_FORMAT);
  const exposed = exposureWarning(config);
  if (exposed) log.warn(exposed);
  survivePgBossRejections(log);
  // The row threads start loading the generator on the other cores now, while this thread loads
  // Nest and the app (imported only after this for that reason), not after /health answers.
  const rowThreads = new RowThreads(config);
  void rowThreads.warm();
  // Likewise the database connections: connected and authenticated while the app loads, so that
  // the job store's start-up (and a job posted right after /health) finds them open.
  const pools = new DatabasePools(config);
  void pools.warm();
  const [{ createApp }, { AppModule }, { defaultWebDist, serveWeb }] = await Promise.all([import('@rowflow/platform-nest'), import('./app.module.js'), import('./web.js')]);
  const app = await createApp(AppModule.register(config, rowThreads, pools), {
    title: 'Rowflow orchestrator',
    description: 'SSE preview relay, CSV download proxy and restartable DB-insert jobs',
  });
  const web = serveWeb(app, config.WEB_DIST || defaultWebDist());
  await app.listen(config.PORT, config.HOST);
  log.info({ url: await app.getUrl(), web }, 'orchestrator listening');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
