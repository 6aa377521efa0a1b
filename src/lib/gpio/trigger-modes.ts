import type { ControlCommand } from '../contract/control';
import type { GestureKind } from './gesture-classifier';

/**
 * What a button press means for mic-in:
 * - 'toggle': each press starts or stops;
 * - 'hold': recording while the button is held (press starts, release stops);
 * - 'start-only' / 'stop-only': a press only starts / only stops (two buttons, or one with another trigger).
 */
export type TriggerMode = 'toggle' | 'hold' | 'start-only' | 'stop-only';

export const TRIGGER_MODES: readonly TriggerMode[] = ['toggle', 'hold', 'start-only', 'stop-only'];

export function isTriggerMode(value: unknown): value is TriggerMode {
  return typeof value === 'string' && (TRIGGER_MODES as readonly string[]).includes(value);
}

/**
 * The control command a gesture sends in a mode; undefined when it sends none. Long and double
 * presses never map to a command here: what they send is the user's choice (TriggerActions).
 */
export function commandForGesture(mode: TriggerMode, gesture: GestureKind): ControlCommand | undefined {
  if (gesture === 'press') {
    if (mode === 'toggle') return 'toggle';
    return mode === 'stop-only' ? 'stop' : 'start';
  }
  if (gesture === 'release' && mode === 'hold') return 'stop';
  return undefined;
}

/** A button trigger's choices: the mode for presses and releases, and what a long or a double press sends (undefined: nothing). */
export interface TriggerActions {
  mode: TriggerMode;
  longPress?: ControlCommand | undefined;
  doublePress?: ControlCommand | undefined;
}

/** The control command a gesture sends under `actions`; undefined when it sends none. */
export function triggerCommand(actions: TriggerActions, gesture: GestureKind): ControlCommand | undefined {
  if (gesture === 'long-press') return actions.longPress;
  if (gesture === 'double-press') return actions.doublePress;
  return commandForGesture(actions.mode, gesture);
}
