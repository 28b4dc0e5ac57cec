import type { DatasetSpec, TableSpec } from '@rowflow/contracts';
import type { StreamFormat } from '../row-stream.js';

/** What a row thread generates: rows [offset, offset + rows) of a table spec or of a dataset table. */
export type RowThreadRequest =
  | { kind: 'table'; spec: TableSpec; seed: number; offset: number; rows: number; format: StreamFormat; header: boolean }
  | { kind: 'dataset'; dataset: DatasetSpec; table: string; seed: number; offset: number; rows: number; format: StreamFormat; header: boolean };

/** Main thread → row thread. */
export type ToThread =
  | { type: 'open'; id: number; req: RowThreadRequest }
  | { type: 'pause'; id: number }
  | { type: 'resume'; id: number }
  | { type: 'cancel'; id: number };

/** Row thread → main thread. `bytes` is a transferred buffer: [offset, offset + length) of it is the chunk. */
export type FromThread =
  | { type: 'ready' }
  | { type: 'chunk'; id: number; bytes: ArrayBuffer; offset: number; length: number }
  | { type: 'end'; id: number }
  | { type: 'error'; id: number; message: string; field?: string };
