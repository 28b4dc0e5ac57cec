import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const libs = ['contracts', 'schema', 'generator', 'jobs', 'pg', 'platform', 'platform-nest', 'devdb', 'export', 'stats'];

export default defineConfig({
  // Nest needs legacy decorators + emitted metadata for constructor injection.
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  resolve: {
    alias: libs.map((name) => ({
      find: `@rowflow/${name}`,
      replacement: fileURLToPath(new URL(`./libs/${name}/src/index.ts`, import.meta.url)),
    })),
  },
  test: {
    include: ['libs/*/src/**/*.spec.ts', 'apps/*/src/**/*.spec.{ts,tsx}', 'test/**/*.spec.ts'],
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: Postgres-backed files in parallel fight over CPU and flake on timing.
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default', './test/setup/summary-reporter.ts'],
  },
});
