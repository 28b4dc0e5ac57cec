/**
 * SQL for leases kept in a row (`<owner column>`, `<until column>`), the way every Rowflow worker
 * holds its work. Both read clock_timestamp(), the wall clock at the statement: now() is the
 * transaction's start, so a renewal committed after a slow statement would write a lease that had
 * already run out, and another process could take over work whose worker is alive.
 */

/** `clock_timestamp() + <seconds>` — a lease's new end; `seconds` is a bind parameter such as `$3`. */
export function leaseUntil(seconds: string): string {
  return `clock_timestamp() + make_interval(secs => ${seconds})`;
}

/** True when nobody holds the lease in `column`: never taken, given back (NULL), or run out. */
export function leaseLapsed(column: string): string {
  return `(${column} IS NULL OR ${column} < clock_timestamp())`;
}

/** True while the lease in `column` is held (the opposite of leaseLapsed, NULL counting as not held). */
export function leaseHeld(column: string): string {
  return `coalesce(${column} > clock_timestamp(), false)`;
}
