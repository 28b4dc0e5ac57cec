import 'reflect-metadata';
import { ConfigError, createApp, rootLogger } from '@rowflow/platform';
import { AppModule } from './app.module.js';
import { loadOrchestratorConfig } from './config/orchestrator-config.js';
import { defaultWebDist, serveWeb } from './web.js';

async function main(): Promise<void> {
  const config = loadOrchestratorConfig();
  const log = rootLogger(config.LOG_LEVEL, 'orchestrator');
  const app = await createApp(AppModule.register(config), {
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
