/**
 * The API token, when the server has one (ROWFLOW_API_TOKEN). The page asks for it once, when
 * the server first answers 401, and keeps it for the tab only (sessionStorage: gone when the tab
 * closes, never shared with other tabs or written to disk by us).
 *
 * EventSource cannot send an Authorization header, so after the token is accepted the page also
 * calls `POST /api/session`, which sets an HttpOnly, SameSite=Strict cookie that the server
 * accepts for reads only (previews, job progress) when ROWFLOW_PROTECT_READS is on.
 */
const KEY = 'rowflow.token';

export type TokenReason = 'required' | 'rejected';
export type TokenPrompt = (reason: TokenReason) => Promise<string | null>;

let prompt: TokenPrompt | null = null;
let pending: Promise<string | null> | null = null;

export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: the page still works against a server without a token
  }
}

function store(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(KEY, token);
    else sessionStorage.removeItem(KEY);
  } catch {
    /* storage disabled: the token lives for this request only */
  }
}

/** `Authorization` for requests when a token is known; nothing otherwise. */
export function authHeaders(): Record<string, string> {
  const token = storedToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** The dialog registers itself here; returns the unregister function. */
export function setTokenPrompt(fn: TokenPrompt): () => void {
  prompt = fn;
  return () => {
    if (prompt === fn) prompt = null;
  };
}

/**
 * Asks for the token after a 401 (one dialog however many requests were refused at once), keeps
 * it for the tab and opens the read session. Resolves to the token, or null if the user cancels.
 */
export function askForToken(): Promise<string | null> {
  if (!prompt) return Promise.resolve(null);
  const ask = prompt;
  const reason: TokenReason = storedToken() ? 'rejected' : 'required';
  pending ??= (async () => {
    const token = await ask(reason);
    store(token);
    if (token) await openReadSession(token);
    return token;
  })().finally(() => {
    pending = null;
  });
  return pending;
}

async function openReadSession(token: string): Promise<void> {
  await fetch('/api/session', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
}
