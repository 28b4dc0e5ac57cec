import { didYouMean, ValidationError } from '@rowflow/contracts';
import { z } from 'zod';

/** Message for keys an object does not take, with the nearest allowed key as a suggestion. */
export function unknownKeyMessage(key: string, allowed: readonly string[], owner: string): string {
  const hint = didYouMean(key, allowed);
  return `unknown key for ${owner}${hint ? `; did you mean "${hint}"?` : ''} (allowed: ${allowed.join(', ')})`;
}

/**
 * A strict object: unknown keys are errors (a typo such as `nullratio` must not silently give
 * the default), with a "did you mean"; `notObject` is the message when the input is no object.
 */
export function strictObject<S extends z.ZodRawShape>(shape: S, owner: string, notObject: string, keyMessage?: (key: string) => string | undefined) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') {
        const key = iss.keys[0] ?? '';
        return keyMessage?.(key) ?? unknownKeyMessage(key, allowed, owner);
      }
      if (iss.code === 'invalid_type') return notObject;
      return undefined;
    },
  });
}

/** `a.b[2].c` from a zod path under `field`. */
export function fieldPath(field: string, path: readonly PropertyKey[]): string {
  let out = field;
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? String(seg) : `.${String(seg)}`;
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const seg of path) v = typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[seg] : undefined;
  return v;
}

/** Messages for a discriminator (`type`, `distribution`) that matches no variant. */
export type DiscriminatorMessages = Record<string, (value: unknown) => string>;

/**
 * The first zod issue as a `ValidationError` naming the field (`schema.columns[2].nullRatio`):
 * an unknown key names the key itself; a bad discriminator gets the message listing valid ones.
 */
export function toValidationError(error: z.ZodError, field: string, input: unknown, discriminators: DiscriminatorMessages = {}): ValidationError {
  const issue = firstIssue(error.issues);
  return issue ? issueError(issue, field, input, discriminators) : new ValidationError(field, 'is invalid');
}

function issueError(issue: z.core.$ZodIssue, field: string, input: unknown, discriminators: DiscriminatorMessages): ValidationError {
  if (issue.code === 'unrecognized_keys') return new ValidationError(fieldPath(field, [...issue.path, issue.keys[0] ?? '']), issue.message);
  if (issue.code === 'invalid_union' && 'discriminator' in issue && typeof issue.discriminator === 'string') {
    const describe = discriminators[issue.discriminator];
    if (describe) return new ValidationError(fieldPath(field, issue.path), describe(valueAt(input, issue.path)));
  }
  return new ValidationError(fieldPath(field, issue.path), issue.message);
}

/**
 * The issue to report: the first one, except that an unknown key in the same object wins (a
 * misspelt `cuont` explains the "count is required" that zod lists first).
 */
function firstIssue(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue | undefined {
  const first = issues[0];
  if (!first || first.code === 'unrecognized_keys') return first;
  const parent = first.path.slice(0, -1).join('\u0000');
  return issues.find((i) => i.code === 'unrecognized_keys' && i.path.join('\u0000') === parent) ?? first;
}

/** Parses `input` with `schema`, throwing the first issue as a ValidationError. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, field: string, discriminators?: DiscriminatorMessages): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw toValidationError(result.error, field, input, discriminators);
  return result.data;
}

/** Every problem of `input` as `{field, message}` in document order (editors list them all). */
export function specIssues(schema: z.ZodType, input: unknown, field: string, discriminators: DiscriminatorMessages = {}): { field: string; message: string }[] {
  const result = schema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((i) => {
    const err = issueError(i, field, input, discriminators);
    return { field: err.field, message: err.message.slice(err.field.length + 2) };
  });
}
