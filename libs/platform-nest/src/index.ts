export * from './bootstrap.js';
export * from './exception.filter.js';
export * from './nest-logger.js';
export * from './http-guards.js';
export * from './json-body.js';
export * from './openapi.js';
export * from './openapi-schemas.js';
export * from './metrics.module.js';
