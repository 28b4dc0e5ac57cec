/** The source delivered fewer/more rows than asked: never commit such a chunk; retry it. */
export class ShortChunkError extends Error {
  override readonly name = 'ShortChunkError';
  readonly transient = true;
}

/** No bytes arrived from a chunk's source for the idle timeout: the attempt is aborted and retried. */
export class ChunkIdleError extends Error {
  override readonly name = 'ChunkIdleError';
  readonly transient = true;
}

/** More rows were rejected than the job's skipLimit allows. Fails the job. */
export class SkipLimitError extends Error {
  override readonly name = 'SkipLimitError';
}
