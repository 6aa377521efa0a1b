import { shownValue } from './shown-value';

/** What a message to sd-store asks for. */
export type StoreCommand = 'store' | 'list' | 'delete' | 'prune';

const COMMANDS: readonly string[] = ['list', 'delete', 'prune'];

export class StoreCommandError extends Error {}

/**
 * The command of a message to sd-store: "list", "delete" or "prune" (any case) in
 * `msg.command`; else "store" for a finished recording (`msg.recording`, from wav-writer);
 * else one of the commands in `msg.payload`.
 */
export function parseStoreCommand(msg: { payload?: unknown; command?: unknown; recording?: unknown }): StoreCommand {
  const value = msg.command ?? (msg.recording === undefined ? msg.payload : undefined);
  if (value === undefined && msg.recording !== undefined) return 'store';
  if (typeof value === 'string' && COMMANDS.includes(value.trim().toLowerCase())) return value.trim().toLowerCase() as StoreCommand;
  throw new StoreCommandError(
    `expected a finished recording in msg.recording (from wav-writer), or "list", "delete" or "prune" in msg.payload or msg.command, got ${shownValue(value)}`,
  );
}
