import { checkInputKeys, type InputSource, parseStreamParams, requireObjectBody, STREAM_PARAM_KEYS, type StreamParams } from '@rowflow/schema';

/**
 * Every key a generator stream request may carry, per source. A key not listed is a 400 naming
 * it (with a "did you mean"), so a typo such as `sed=1` never silently falls back to a default.
 */
export const GENERATOR_STREAM_KEYS: Record<InputSource, readonly string[]> = {
  // `dataset` (+ `table`): one table of a dataset, a catalog name in a query, a name or spec in a body.
  query: [...STREAM_PARAM_KEYS, 'dataset'],
  body: [...STREAM_PARAM_KEYS, 'schema', 'dataset'],
};

export interface StreamInput {
  params: StreamParams;
  /** The raw input, key-checked (a body also carries `schema`). */
  record: Record<string, unknown>;
}

/** Checks keys and parses the shared stream parameters of a query string or a JSON body. */
export function parseStreamInput(input: unknown, source: InputSource, maxRows: number): StreamInput {
  const record = source === 'body' ? requireObjectBody(input) : ((input ?? {}) as Record<string, unknown>);
  checkInputKeys(record, GENERATOR_STREAM_KEYS[source], source);
  return { params: parseStreamParams(record, { maxRows }, source), record };
}
