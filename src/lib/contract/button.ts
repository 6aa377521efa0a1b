import type { GestureKind } from '../gpio/gesture-classifier';
import { shownValue } from './shown-value';

/** `msg.button` of button-trigger's messages (see ARCHITECTURE.md): which gesture, of which button, when (ISO 8601). */
export type ButtonInfo =
  | { event: GestureKind; source: 'gpio'; chip: string; line: number; at: string }
  /** line: the Pico's GPIO number. */
  | { event: GestureKind; source: 'pico'; line: number; at: string }
  /** A gesture of button-trigger's input: press and release messages. */
  | { event: GestureKind; source: 'input'; at: string };

export class ButtonInputError extends Error {}

/**
 * The level a message sets button-trigger's input button to: "press" (any case) or true is
 * down, "release" or false is up.
 */
export function parseButtonInput(msg: { payload?: unknown }): boolean {
  const value = msg.payload;
  if (value === true || value === false) return value;
  const word = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (word === 'press') return true;
  if (word === 'release') return false;
  throw new ButtonInputError(`expected "press", "release", true or false in msg.payload, got ${shownValue(value)}`);
}
