import { Module } from '@nestjs/common';

/** Placeholder: filled in by the relay feature. */
@Module({})
export class RelayModule {}
