import { setTimeout as sleep } from 'node:timers/promises';
import type { TimerPort } from './ports.js';

/** TimerPort on Node's timers; unref'd so a pending sweep never keeps a process alive. */
export const realTimers: TimerPort = {
  every(ms, fn) {
    const t = setInterval(fn, ms);
    t.unref();
    return { cancel: () => clearInterval(t) };
  },
  async sleep(ms, signal) {
    await sleep(ms, undefined, { signal, ref: false });
  },
};
