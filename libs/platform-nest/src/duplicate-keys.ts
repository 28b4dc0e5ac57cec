/** One open object or array while scanning: its path and, for an object, the keys seen so far. */
interface Level {
  path: string;
  keys: Set<string> | null;
  /** Next string in this object is a key (after `{` or `,`). */
  expectKey: boolean;
  /** Index of the next array element. */
  index: number;
}

/**
 * The path of the first key that appears twice in one object of `text` (`rows`,
 * `schema.columns[1].name`), or undefined. JSON.parse keeps the last of duplicate keys silently,
 * so `{"rows":-1,"rows":10}` would pass validation the client never meant. `text` must already be
 * valid JSON (JSON.parse accepted it): only strings and brackets need tracking. Iterative, like
 * the other body checks: a body may nest deeper than the call stack.
 */
export function duplicateKey(text: string): string | undefined {
  const stack: Level[] = [];
  let pendingKey: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return join(top.path, key);
        top.keys.add(key);
        top.expectKey = false;
        pendingKey = key;
      }
      i = end;
    } else if (ch === '{' || ch === '[') {
      const top = stack[stack.length - 1];
      const path = top === undefined ? '' : top.keys ? join(top.path, pendingKey ?? '') : `${top.path}[${top.index}]`;
      stack.push({ path, keys: ch === '{' ? new Set() : null, expectKey: ch === '{', index: 0 });
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',') {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
      else if (top) top.index++;
    }
  }
  return undefined;
}

/** Index of the closing quote of the string starting at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
