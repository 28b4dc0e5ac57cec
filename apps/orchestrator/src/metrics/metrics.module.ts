import { Module } from '@nestjs/common';

/** Placeholder: filled in by the metrics feature. */
@Module({})
export class MetricsModule {}
