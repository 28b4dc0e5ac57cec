import { setMaxListeners } from 'node:events';
import { EXIT } from '../exit.js';

/**
 * An AbortSignal fired by the first Ctrl-C (SIGINT) or SIGTERM: work stops at its next safe point
 * (a committed chunk, a written checkpoint) so a rerun continues. A second Ctrl-C exits at once.
 */
export function interruptSignal(): AbortSignal {
  const ctl = new AbortController();
  // Every partition's COPY pipeline and backoff sleep listen on this one signal.
  setMaxListeners(1024, ctl.signal);
  const onSignal = (sig: NodeJS.Signals) => {
    if (ctl.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write(`\n${sig === 'SIGINT' ? 'Ctrl-C' : sig}: stopping at the next checkpoint (press again to quit at once)\n`);
    ctl.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return ctl.signal;
}
