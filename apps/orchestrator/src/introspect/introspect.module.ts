import { Module } from '@nestjs/common';
import { IntrospectController } from './introspect.controller.js';
import { IntrospectService } from './introspect.service.js';

@Module({ controllers: [IntrospectController], providers: [IntrospectService] })
export class IntrospectModule {}
