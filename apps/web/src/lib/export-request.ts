import type { CreateExportRequest } from '@rowflow/contracts';

/** The export form as typed: strings, so half-typed values do not throw. */
export interface ExportForm {
  table: string;
  orderBy: string;
  where: string;
  workers: string;
  /** File format (default csv). */
  format?: 'csv' | 'parquet';
}

/** A request to send, or the field and message to show next to it. */
export type ExportFormResult = { ok: true; request: CreateExportRequest } | { ok: false; field: keyof ExportForm; message: string };

/**
 * Builds `POST /api/exports` from the form. Only shape is checked here (JSON, whole numbers); the
 * server checks the table, the columns and the filter grammar and names the field it refuses.
 */
export function exportRequest(form: ExportForm): ExportFormResult {
  const table = form.table.trim();
  if (!table) return { ok: false, field: 'table', message: 'Name a table or view to export.' };
  const request: CreateExportRequest = { table, ...(form.format === 'parquet' ? { format: 'parquet' as const } : {}) };
  if (form.orderBy.trim()) request.orderBy = form.orderBy.trim();
  if (form.workers.trim()) {
    const w = Number(form.workers);
    if (!Number.isInteger(w) || w < 1 || w > 16) return { ok: false, field: 'workers', message: 'Workers must be a whole number from 1 to 16.' };
    request.workers = w;
  }
  if (form.where.trim()) {
    try {
      request.where = JSON.parse(form.where) as CreateExportRequest['where'];
    } catch {
      return { ok: false, field: 'where', message: 'The filter must be JSON, e.g. {"col": "id", "op": ">", "value": 10}.' };
    }
  }
  return { ok: true, request };
}

/** Which form field a server error (`field: "where.and[0].col"`) belongs to. */
export function formFieldOf(serverField: string | undefined): keyof ExportForm | null {
  const head = (serverField ?? '').split(/[.[]/)[0];
  return head === 'table' || head === 'orderBy' || head === 'where' || head === 'workers' ? head : null;
}
