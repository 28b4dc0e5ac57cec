import { checkHttpConfig, HTTP_CONFIG, int, LOG_CONFIG, loadConfig, port } from '@rowflow/platform';

export const GENERATOR_CONFIG = Symbol('GENERATOR_CONFIG');

export function loadGeneratorConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(
    {
      /** Access control: token, Host allowlist, CORS, body limit (same keys as the orchestrator). */
      ...HTTP_CONFIG,
      PORT: port(3001),
      HOST: (raw: string | undefined) => raw || '127.0.0.1',
      MAX_ROWS: int(100_000_000, 1),
      ...LOG_CONFIG,
      /** Above this RSS new streams get 503 with Retry-After (0 = no budget). */
      MEMORY_BUDGET_MB: int(1024, 0),
    },
    env,
  );
  return checkHttpConfig(config);
}

export type GeneratorConfig = ReturnType<typeof loadGeneratorConfig>;
