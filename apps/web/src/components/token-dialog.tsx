import { type FormEvent, useEffect, useRef, useState } from 'react';
import { setTokenPrompt, type TokenReason } from '../lib/auth.js';

interface Ask {
  reason: TokenReason;
  resolve: (token: string | null) => void;
}

/**
 * The one place the page asks for the API token: a modal dialog opened when the server first
 * answers 401. The token is kept for this tab only (see lib/auth.ts).
 */
export function TokenDialog() {
  const [ask, setAsk] = useState<Ask | null>(null);
  const [value, setValue] = useState('');
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => setTokenPrompt((reason) => new Promise<string | null>((resolve) => setAsk({ reason, resolve }))), []);
  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (ask && !el.open) el.showModal();
    if (!ask && el.open) el.close();
  }, [ask]);

  const finish = (token: string | null) => {
    ask?.resolve(token);
    setAsk(null);
    setValue('');
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    finish(value.trim() || null);
  };

  return (
    <dialog ref={dialog} className="card token-dialog" aria-labelledby="token-title" onCancel={() => finish(null)}>
      <form onSubmit={submit}>
        <h3 id="token-title" className="sub">
          Access token
        </h3>
        <p>{ask?.reason === 'rejected' ? 'The server did not accept that token. Enter it again.' : 'This server needs an access token (ROWFLOW_API_TOKEN) for this action.'}</p>
        <div className="field">
          <label htmlFor="token-input">Token</label>
          <input id="token-input" type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} autoFocus />
        </div>
        <p className="muted">Kept for this tab only.</p>
        <div className="actions">
          <button type="submit" className="primary" disabled={!value.trim()}>
            Use token
          </button>
          <button type="button" onClick={() => finish(null)}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
