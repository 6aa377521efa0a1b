import { setTimeout as sleep } from 'node:timers/promises';
import { SourceFailure } from '../audio-source';

/** Waits between attempts on a busy device: another program, or our own previous stream still letting go. */
export const BUSY_RETRY_DELAYS_MS = [100, 200, 400, 800, 1600];

/** The device is in use: worth another try after a while. */
export class DeviceBusyError extends SourceFailure {
  constructor(message: string) {
    super(message, 'error');
  }
}

/** Runs `attempt`, again after each delay while it fails with a busy device; then lets the failure through. */
export async function retryWhileBusy<T>(attempt: () => Promise<T>, delaysMs = BUSY_RETRY_DELAYS_MS): Promise<T> {
  for (const delayMs of delaysMs) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof DeviceBusyError)) throw err;
      await sleep(delayMs);
    }
  }
  return attempt();
}
