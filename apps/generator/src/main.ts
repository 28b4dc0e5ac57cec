import 'reflect-metadata';
import { ConfigError, exposureWarning, rootLogger } from '@rowflow/platform';
import { createApp } from '@rowflow/platform-nest';
import { AppModule } from './app.module.js';
import { loadGeneratorConfig } from './config/generator-config.js';

async function main(): Promise<void> {
  const config = loadGeneratorConfig();
  const log = rootLogger(config.LOG_LEVEL, 'generator', config.LOG_FORMAT);
  const exposed = exposureWarning(config);
  if (exposed) log.warn(exposed);
  const app = await createApp(AppModule.register(config), {
    title: 'Rowflow generator',
    description: 'Seeded, seekable, lazy NDJSON/CSV row streams',
  });
  await app.listen(config.PORT, config.HOST);
  log.info({ url: await app.getUrl() }, 'generator listening');
}

main().catch((err: unknown) => {
  // Config errors list every bad key; print them plainly so a person can read them.
  process.stderr.write(`${err instanceof ConfigError ? err.message : String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
