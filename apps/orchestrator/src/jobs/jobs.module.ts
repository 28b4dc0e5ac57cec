import { Module } from '@nestjs/common';

/** Placeholder: filled in by the jobs feature. */
@Module({})
export class JobsModule {}
