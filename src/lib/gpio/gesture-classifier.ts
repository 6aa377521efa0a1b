import type { StableTransition } from './debouncer';

export type GestureKind = 'press' | 'release' | 'long-press' | 'double-press';

export interface Gesture {
  kind: GestureKind;
  /** Kernel event clock: the transition's time, or for a long press the moment the hold reached longPressMs. */
  atNs: bigint;
}

export interface GestureOptions {
  /** Held this long (ms, > 0): one 'long-press' per hold. */
  longPressMs: number;
  /** A press starting within this many ms (> 0) of the previous one's start is also a 'double-press'; undefined: off. */
  doublePressMs?: number | undefined;
}

export const DEFAULT_LONG_PRESS_MS = 1000;
export const DEFAULT_DOUBLE_PRESS_MS = 400;

/**
 * Turns debounced transitions into gestures. 'press' and 'release' go out at once, also with
 * double-press detection on: a single press is never held back to see whether a second one
 * follows. A button that toggles recording must start it at the press (waiting out the
 * double-press window would cut the first 400 ms of audio), so a double press is two presses
 * plus a 'double-press' after the second; a flow that gives the double press a meaning of its
 * own wires that output. After a double press the pair is used up: a third press starts anew.
 * 'long-press' comes once per hold, when the hold reaches longPressMs: known from a later
 * timestamp, or from poll() with the current time after nextDeadlineNs().
 */
export class GestureClassifier {
  private pressed = false;
  private longPressDueNs: bigint | undefined;
  private lastPressNs: bigint | undefined;
  private readonly longPressNs: bigint;
  private readonly doublePressNs: bigint | undefined;

  constructor(options: GestureOptions) {
    const { longPressMs, doublePressMs } = options;
    if (!Number.isFinite(longPressMs) || longPressMs <= 0) throw new RangeError(`longPressMs must be > 0, got ${longPressMs}`);
    if (doublePressMs !== undefined && (!Number.isFinite(doublePressMs) || doublePressMs <= 0)) {
      throw new RangeError(`doublePressMs must be > 0 or undefined, got ${doublePressMs}`);
    }
    this.longPressNs = msToNs(longPressMs);
    this.doublePressNs = doublePressMs === undefined ? undefined : msToNs(doublePressMs);
  }

  push(transition: StableTransition): Gesture[] {
    const gestures = this.poll(transition.atNs);
    if (transition.pressed === this.pressed) return gestures;
    this.pressed = transition.pressed;
    const at = transition.atNs;
    if (!transition.pressed) {
      this.longPressDueNs = undefined;
      return [...gestures, { kind: 'release', atNs: at }];
    }
    gestures.push({ kind: 'press', atNs: at });
    this.longPressDueNs = at + this.longPressNs;
    if (this.doublePressNs !== undefined) {
      if (this.lastPressNs !== undefined && at - this.lastPressNs <= this.doublePressNs) {
        gestures.push({ kind: 'double-press', atNs: at });
        this.lastPressNs = undefined;
      } else {
        this.lastPressNs = at;
      }
    }
    return gestures;
  }

  /** Sends the long press once the hold has lasted longPressMs by `nowNs`. */
  poll(nowNs: bigint): Gesture[] {
    const due = this.longPressDueNs;
    if (due === undefined || nowNs < due) return [];
    this.longPressDueNs = undefined;
    return [{ kind: 'long-press', atNs: due }];
  }

  nextDeadlineNs(): bigint | undefined {
    return this.longPressDueNs;
  }
}

function msToNs(ms: number): bigint {
  return BigInt(Math.round(ms * 1e6));
}
