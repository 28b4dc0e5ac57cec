import { ValidationError } from '@rowflow/contracts';
import { requireObjectBody } from '@rowflow/schema';

/**
 * For actions that take no parameters (cancel, resume): an absent or empty JSON object body is
 * fine; any key is a 400 naming it, so a caller who believes an option exists learns it does not.
 */
export function expectNoBody(body: unknown): void {
  if (body === undefined) return;
  const [key] = Object.keys(requireObjectBody(body));
  if (key !== undefined) throw new ValidationError(key, 'unknown key: this action takes no parameters');
}
