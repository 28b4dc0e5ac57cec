import { Module } from '@nestjs/common';
import { GeneratorClient } from './generator-client.js';

/**
 * Provides the one `GeneratorClient` (keep-alive agent to GENERATOR_URL). Import this module
 * wherever the generator is read: the relay and the jobs chunk loop share one socket pool.
 * Needs ORCHESTRATOR_CONFIG, which AppModule provides globally.
 */
@Module({ providers: [GeneratorClient], exports: [GeneratorClient] })
export class GeneratorClientModule {}
