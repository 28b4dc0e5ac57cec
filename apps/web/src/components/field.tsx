import { type ReactNode, useId } from 'react';

interface Props {
  label: string;
  error?: string | null;
  inline?: boolean;
  children(id: string, describedBy: string | undefined): ReactNode;
}

/**
 * A labelled form control. The label is tied by `for`/`id`, not by nesting: a control nested in
 * its label would add its own value to its accessible name ("Rows 1000").
 */
export function Field({ label, error, inline, children }: Props) {
  const id = useId();
  const errId = `${id}-error`;
  return (
    <div className={inline ? 'field inline' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children(id, error ? errId : undefined)}
      {error && (
        <small className="field-error" id={errId}>
          {error}
        </small>
      )}
    </div>
  );
}
