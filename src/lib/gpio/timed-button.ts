import { ButtonSignal, ButtonSignalOptions } from './button-signal';
import type { LevelEdge } from './debouncer';
import { DEFAULT_LONG_PRESS_MS, Gesture, GestureKind } from './gesture-classifier';

/** The gesture timing every button source takes. */
export interface ButtonTiming {
  /** Default 1000. */
  longPressMs?: number;
  /** Double-press detection window; undefined: off. */
  doublePressMs?: number | undefined;
}

/** The clock a button's timestamps are on, as far as a TimedButton needs it. EventClock is one. */
export interface ButtonClock {
  /** Notes an edge's timestamp as it arrives. */
  observe(timestampNs: bigint): void;
  /** Now on this clock, as far as the edges tell; undefined before the first. */
  nowNs(): bigint | undefined;
  /** The wall-clock time of a timestamp on this clock, as an ISO string. */
  toIso(timestampNs: bigint): string;
}

/** A gesture with its time on the button's clock and on the wall clock. */
export interface DatedGesture {
  kind: GestureKind;
  atNs: bigint;
  /** ISO 8601, millisecond precision. */
  at: string;
}

/**
 * A ButtonSignal run in real time: edges go in as they arrive, gestures come out, also those no
 * further edge would reveal (a release confirmed once the debounce time has passed, a long press)
 * through a timer set for the signal's next deadline on the button's own clock. Every button
 * source (gpiomon, a Pico, messages) runs its edges through one of these.
 */
export class TimedButton {
  private readonly options: ButtonSignalOptions;
  private signal: ButtonSignal;
  private clock: ButtonClock;
  private timer: NodeJS.Timeout | undefined;

  /** `debounceMs`: see Debouncer; 0 for a source whose edges do not bounce. */
  constructor(
    debounceMs: number,
    timing: ButtonTiming,
    private readonly newClock: () => ButtonClock,
    private readonly onGestures: (gestures: DatedGesture[]) => void,
  ) {
    this.options = { debounceMs, longPressMs: timing.longPressMs ?? DEFAULT_LONG_PRESS_MS, doublePressMs: timing.doublePressMs };
    // Made now so that bad timing options throw here, not at the first edge.
    this.signal = new ButtonSignal(this.options);
    this.clock = newClock();
  }

  /** Starts over from the released level on a new clock: for a new run of the source. */
  reset(): void {
    this.stop();
    this.signal = new ButtonSignal(this.options);
    this.clock = this.newClock();
  }

  push(edge: LevelEdge): void {
    this.clock.observe(edge.timestampNs);
    this.settle(this.signal.push(edge));
  }

  /** Cancels the deadline timer; a later push() sets it again. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private onDeadline(): void {
    this.timer = undefined;
    const now = this.clock.nowNs();
    if (now === undefined) return;
    this.settle(this.signal.poll(now));
  }

  /** Sets the timer for what the signal waits for next, then hands on the gestures (a listener that throws leaves no timer unset). */
  private settle(gestures: Gesture[]): void {
    this.stop();
    const deadline = this.signal.nextDeadlineNs();
    const now = this.clock.nowNs();
    if (deadline !== undefined && now !== undefined) {
      const delayMs = Math.max(0, Math.ceil(Number(deadline - now) / 1e6));
      this.timer = setTimeout(() => this.onDeadline(), delayMs);
    }
    if (gestures.length === 0) return;
    this.onGestures(gestures.map((gesture) => ({ kind: gesture.kind, atNs: gesture.atNs, at: this.clock.toIso(gesture.atNs) })));
  }
}
