import { shownValue } from './shown-value';

export type ControlCommand = 'start' | 'stop' | 'toggle';

export const CONTROL_COMMANDS: readonly ControlCommand[] = ['start', 'stop', 'toggle'];

export class ControlError extends Error {}

/**
 * The command a control message carries in `msg.command` or `msg.payload`:
 * "start", "stop", "toggle" (any case), or true/false for start/stop.
 */
export function parseControlCommand(msg: { payload?: unknown; command?: unknown }): ControlCommand {
  const value = msg.command ?? msg.payload;
  if (value === true) return 'start';
  if (value === false) return 'stop';
  if (typeof value === 'string' && (CONTROL_COMMANDS as readonly string[]).includes(value.trim().toLowerCase())) {
    return value.trim().toLowerCase() as ControlCommand;
  }
  throw new ControlError(`expected "start", "stop", "toggle", true or false in msg.payload or msg.command, got ${shownValue(value)}`);
}

/** `msg.maxDuration` in seconds, as milliseconds; undefined when absent. */
export function parseMaxDuration(msg: { maxDuration?: unknown }): number | undefined {
  const value = msg.maxDuration;
  if (value === undefined || value === null || value === '') return undefined;
  const seconds = typeof value === 'string' ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new ControlError(`msg.maxDuration must be a number of seconds >= 0 (0: no limit), got ${String(value)}`);
  }
  return seconds * 1000;
}
