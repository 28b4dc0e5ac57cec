import { Field } from './field.js';

interface Props {
  rows: number;
  onRows(n: number): void;
  rowsError: string | null;
  seedError: string | null;
  seed: number;
  onSeed(n: number): void;
  random: boolean;
  onRandom(r: boolean): void;
  /** The seed the server reported for the last random run, to make it reproducible. */
  seedUsed: number | null;
}

/** Section 1b: how many rows and which seed (or a random one, with the seed actually used shown). */
export function RunSettings(p: Props) {
  return (
    <div className="settings">
      <Field label="Rows" error={p.rowsError}>
        {(id, err) => <input id={id} type="number" min={1} step={1} value={Number.isFinite(p.rows) ? p.rows : ''} onChange={(e) => p.onRows(e.target.valueAsNumber)} aria-invalid={!!p.rowsError} aria-describedby={err} />}
      </Field>
      <Field label="Seed" error={p.seedError}>
        {(id) => <input id={id} aria-invalid={!!p.seedError} type="number" min={1} step={1} value={p.random || !Number.isFinite(p.seed) ? '' : p.seed} placeholder={p.random ? 'random' : ''} disabled={p.random} onChange={(e) => p.onSeed(e.target.valueAsNumber)} />}
      </Field>
      <label className="check">
        <input type="checkbox" checked={p.random} onChange={(e) => p.onRandom(e.target.checked)} /> Random seed
      </label>
      {p.random && (
        <p className="seed-used" data-testid="seed-used">
          {p.seedUsed !== null ? (
            <>
              Seed used: <strong>{p.seedUsed}</strong>{' '}
              <button
                type="button"
                className="link"
                onClick={() => {
                  p.onSeed(p.seedUsed!);
                  p.onRandom(false);
                }}
              >
                keep this seed
              </button>
            </>
          ) : (
            'The server picks a seed; it is shown here after a run.'
          )}
        </p>
      )}
    </div>
  );
}
