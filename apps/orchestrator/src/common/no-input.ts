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

/** For POSTs whose parameters are the JSON body (jobs, exports, introspect, previews): a query key is a 400. */
export { expectBodyOnly } from '@rowflow/schema';
