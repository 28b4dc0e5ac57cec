import { checkInputKeys, requireObjectBody } from '@rowflow/schema';

/**
 * For endpoints that take no parameters (cancel, resume): an absent or empty body is fine; any
 * key is a 400 naming it, so a caller who believes an option exists learns it does not.
 */
export function expectNoBody(body: unknown): void {
  if (body !== undefined) checkInputKeys(requireObjectBody(body), [], 'body');
}

/** The query-side rules, shared with the generator: no query at all, or none beside a JSON body. */
export { expectBodyOnly, expectNoQuery } from '@rowflow/schema';
