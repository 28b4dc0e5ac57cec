/** One parsed Server-Sent Events frame (comments keep their text, e.g. heartbeats). */
export interface SseMessage {
  event?: string;
  id?: string;
  data?: string;
  comment?: string;
}

/** Parses a complete SSE body (frames separated by a blank line) for assertions in tests. */
export function parseSse(text: string): SseMessage[] {
  return text
    .split('\n\n')
    .filter((b) => b.length > 0)
    .map((block) => {
      const m: SseMessage = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) m.comment = line.slice(1).trim();
        else {
          const i = line.indexOf(': ');
          (m as Record<string, string>)[line.slice(0, i)] = line.slice(i + 2);
        }
      }
      return m;
    });
}
