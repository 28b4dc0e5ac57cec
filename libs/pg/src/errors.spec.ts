import { describe, expect, it } from 'vitest';
import { classifyError, isTransactionConflict, sqlState } from './errors.js';

/** An error as Node's net module makes it for a write to a socket the peer closed. */
function socketError(code: string, syscall = 'write'): NodeJS.ErrnoException {
  return Object.assign(new Error(`${syscall} ${code}`), { code, errno: -32, syscall });
}

describe('classifyError', () => {
  it('a dead socket is transient whatever its code (EPIPE once looked like a SQLSTATE: fatal)', () => {
    for (const code of ['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'ENETUNREACH', 'ERR_STREAM_PREMATURE_CLOSE']) {
      expect(classifyError(socketError(code)), code).toBe('transient');
      expect(sqlState(socketError(code)), code).toBeUndefined();
    }
  });

  it('node-postgres connection losses without a code are transient', () => {
    for (const m of ['Connection terminated unexpectedly', 'Client has encountered a connection error and is not queryable', 'Client was closed and is not queryable', 'the database system is starting up']) {
      expect(classifyError(new Error(m)), m).toBe('transient');
    }
  });

  it('server errors by SQLSTATE: retry, bisect, or fail fast', () => {
    const pgError = (code: string) => Object.assign(new Error('x'), { code, severity: 'ERROR' });
    expect(classifyError(pgError('57P01'))).toBe('transient');
    expect(classifyError(pgError('08006'))).toBe('transient');
    expect(classifyError(pgError('40P01'))).toBe('transient');
    expect(classifyError(pgError('22P02'))).toBe('data');
    expect(classifyError(pgError('P0001'))).toBe('data'); // RAISE EXCEPTION in the table's own trigger
    expect(classifyError(pgError('23505'))).toBe('data');
    expect(classifyError(pgError('42P01'))).toBe('fatal');
    expect(classifyError(pgError('XX000'))).toBe('fatal');
    expect(sqlState(pgError('XX000'))).toBe('XX000');
  });

  it('an abort is an abort, unless a transient cause (a stalled body) aborted it', () => {
    const abort = Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
    expect(classifyError(abort)).toBe('abort');
    expect(classifyError(Object.assign(new Error('aborted'), { name: 'AbortError', cause: Object.assign(new Error('idle'), { transient: true }) }))).toBe('transient');
    expect(classifyError(new Error('wrapped', { cause: socketError('EPIPE') }))).toBe('transient');
    expect(classifyError(new Error('some bug'))).toBe('fatal');
  });

  it('only serialization failures and deadlocks are transaction conflicts', () => {
    const pgError = (code: string) => Object.assign(new Error('x'), { code, severity: 'ERROR' });
    expect(isTransactionConflict(pgError('40001'))).toBe(true);
    expect(isTransactionConflict(pgError('40P01'))).toBe(true);
    expect(isTransactionConflict(pgError('55P03'))).toBe(false);
    expect(isTransactionConflict(socketError('EPIPE'))).toBe(false);
  });
});
