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
 * presses never map to a command here: they are extra outputs a node may offer.
 */
export function commandForGesture(mode: TriggerMode, gesture: GestureKind): ControlCommand | undefined {
  if (gesture === 'press') {
    if (mode === 'toggle') return 'toggle';
    return mode === 'stop-only' ? 'stop' : 'start';
  }
  if (gesture === 'release' && mode === 'hold') return 'stop';
  return undefined;
}
