import { createHash } from 'node:crypto';
import { MAX_IDENTIFIER_BYTES } from '@rowflow/schema';

/** Cuts a string to at most `bytes` UTF-8 bytes without splitting a character. */
function cutBytes(s: string, bytes: number): string {
  let out = '';
  for (const ch of s) {
    if (Buffer.byteLength(out + ch, 'utf8') > bytes) break;
    out += ch;
  }
  return out;
}

/**
 * Deterministic constraint/index name in PostgreSQL's own style (`users_pkey`,
 * `users_email_key`, `orders_user_id_fkey`). Postgres silently truncates names over 63 bytes,
 * which would break finding a constraint by name again on resume, so long names are cut and
 * keep uniqueness with a short hash of the full name.
 */
export function constraintName(table: string, columns: readonly string[], suffix: 'pkey' | 'key' | 'fkey'): string {
  const full = suffix === 'pkey' ? `${table}_pkey` : `${table}_${columns.join('_')}_${suffix}`;
  if (Buffer.byteLength(full, 'utf8') <= MAX_IDENTIFIER_BYTES) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  const tail = `_${hash}_${suffix}`;
  return cutBytes(full, MAX_IDENTIFIER_BYTES - tail.length) + tail;
}
