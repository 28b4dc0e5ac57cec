import type { CatalogColumn, CatalogTable } from './catalog-model.js';

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether a BEFORE INSERT row trigger of the table fills the column: its function assigns
 * `NEW.col` (PL/pgSQL) or the trigger passes the column's name as an argument
 * (`tsvector_update_trigger('tsv', …)`, `suppress_redundant_updates_trigger` …).
 */
export function filledByTrigger(table: CatalogTable, col: CatalogColumn): string | undefined {
  const name = escapeRegex(col.name);
  const assigns = new RegExp(`\\bnew\\s*\\.\\s*"?${name}"?\\s*:?=(?!=)`, 'i');
  const argument = new RegExp(`EXECUTE (?:FUNCTION|PROCEDURE) [^(]+\\('${name}'`);
  return table.triggers?.find((t) => assigns.test(t.source) || argument.test(t.definition))?.name;
}

/**
 * Whether the trigger that fills the column does so only when the row leaves it NULL
 * (`IF NEW.number IS NULL THEN … NEW.number := …`): then a generated value is kept as is, and
 * generating one is safer than leaving it to the trigger, whose lookups into other tables can
 * find nothing in generated data and leave a NOT NULL column NULL.
 */
export function fillsOnlyWhenNull(table: CatalogTable, col: CatalogColumn, trigger: string): boolean {
  const guard = new RegExp(`\\bIF\\s+new\\s*\\.\\s*"?${escapeRegex(col.name)}"?\\s+IS\\s+NULL\\b`, 'i');
  return guard.test(table.triggers?.find((t) => t.name === trigger)?.source ?? '');
}

/** A column no generator can fill that a trigger probably fills: NOT NULL, no default, on a table with BEFORE INSERT triggers. */
export function probablyTriggerFilled(table: CatalogTable, col: CatalogColumn): boolean {
  return (table.triggers?.length ?? 0) > 0 && col.notNull && col.default === undefined && col.identity === undefined;
}

/** One sentence on the table's BEFORE INSERT triggers: they may rewrite or reject generated rows. */
export function triggerWarning(table: CatalogTable): string | undefined {
  const names = (table.triggers ?? []).map((t) => t.name);
  if (names.length === 0) return undefined;
  return `BEFORE INSERT row trigger${names.length > 1 ? 's' : ''} ${names.join(', ')} run on every loaded row and may rewrite or reject it`;
}
