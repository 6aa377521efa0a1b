import type { NodeStatus } from 'node-red';
import { shortError } from '../shared/status-text';
import type { SourceFailure } from './button-source';

/** Until the GPIO source has either got its line or failed. */
export const STARTING: NodeStatus = { fill: 'grey', shape: 'ring', text: 'button-trigger.status.starting' };
export const WATCHING: NodeStatus = { fill: 'green', shape: 'ring', text: 'button-trigger.status.watching' };
export const PRESSED: NodeStatus = { fill: 'green', shape: 'dot', text: 'button-trigger.status.pressed' };
export const PICO_WAITING: NodeStatus = { fill: 'yellow', shape: 'ring', text: 'button-trigger.status.picoWaiting' };
const GPIOMON_MISSING: NodeStatus = { fill: 'red', shape: 'ring', text: 'button-trigger.status.gpiomonMissing' };

/**
 * A failure, with when the next try comes. Status texts carry no parameters to the editor, so
 * this one is put together in the runtime's language; gpiomon missing has a fixed text of its own.
 */
export function failedStatus(failure: SourceFailure, translate: (key: string, substitutions: Record<string, string | number>) => string): NodeStatus {
  if (failure.kind === 'command-missing') return GPIOMON_MISSING;
  const reason = shortError(failure.message);
  if (failure.retryInMs === undefined) return { fill: 'red', shape: 'ring', text: reason };
  const text = translate('button-trigger.status.retrying', { reason, seconds: Math.max(1, Math.round(failure.retryInMs / 1000)) });
  return { fill: 'red', shape: 'ring', text };
}
