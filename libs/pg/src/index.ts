export { backoffMs, classifyError, type ErrorKind, isTransactionConflict, sqlState } from './errors.js';
export { leaseHeld, leaseLapsed, leaseUntil } from './lease.js';
export { DEFAULT_RETRY, duration, parseDuration, type RetryPolicy, RetryStreak, retryUntilStarted, type Sleep, type StartupOptions, withRetries } from './retry.js';
export { limitsSql, type PoolLimits, poolConfig, type SessionLimits, type SessionOptions, transaction, type TransactionOptions, withSession } from './session.js';
