import { ValidationError } from '@rowflow/contracts';
import { checkInputKeys, requireObjectBody } from '@rowflow/schema';

/**
 * For endpoints that take no parameters (cancel, resume, job status, lists): an absent or empty
 * body / query is fine; any key is a 400 naming it, so a caller who believes an option exists
 * learns it does not.
 */
export function expectNoBody(body: unknown): void {
  if (body !== undefined) checkInputKeys(requireObjectBody(body), [], 'body');
}

export function expectNoQuery(query: unknown): void {
  checkInputKeys((query ?? {}) as Record<string, unknown>, [], 'query');
}

/**
 * For POSTs whose parameters are the JSON body (jobs, exports, introspect): a query key would be
 * ignored, so `POST /api/jobs?rows=7` would look accepted with other rows. A 400 naming it.
 */
export function expectBodyOnly(query: unknown): void {
  const [first] = Object.keys((query ?? {}) as Record<string, unknown>);
  if (first !== undefined) throw new ValidationError(first, 'query parameters are not read here: give it in the JSON body');
}
