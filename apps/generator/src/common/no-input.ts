import { checkInputKeys } from '@rowflow/schema';

/**
 * For endpoints that take no parameters (the catalog): an empty query is fine; any key is a 400
 * naming it, so a caller who believes an option exists learns it does not.
 */
export function expectNoQuery(query: unknown): void {
  checkInputKeys((query ?? {}) as Record<string, unknown>, [], 'query');
}
