export type ControlCommand = 'start' | 'stop' | 'toggle';

const COMMANDS: readonly string[] = ['start', 'stop', 'toggle'];

export class ControlError extends Error {}

/**
 * The command a control message carries in `msg.command` or `msg.payload`:
 * "start", "stop", "toggle" (any case), or true/false for start/stop.
 */
export function parseControlCommand(msg: { payload?: unknown; command?: unknown }): ControlCommand {
  const value = msg.command ?? msg.payload;
  if (value === true) return 'start';
  if (value === false) return 'stop';
  if (typeof value === 'string' && COMMANDS.includes(value.trim().toLowerCase())) {
    return value.trim().toLowerCase() as ControlCommand;
  }
  const shown = typeof value === 'string' ? `"${value.slice(0, 40)}"` : value === undefined ? 'nothing' : typeof value;
  throw new ControlError(`expected "start", "stop", "toggle", true or false in msg.payload or msg.command, got ${shown}`);
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
