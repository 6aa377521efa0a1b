import { ArrivalClock } from './arrival-clock';
import { DEFAULT_LONG_PRESS_MS } from './gesture-classifier';
import { DatedGesture, TimedButton } from './timed-button';

export interface InputButtonOptions {
  /** Default 1000. */
  longPressMs?: number;
  /** Double-press detection window; undefined: off. */
  doublePressMs?: number | undefined;
}

/**
 * A button worked by messages ("press", "release": a dashboard button, or a flow tried on a
 * machine without one): the same gestures as a real button, each edge dated by its arrival on
 * the host's monotonic clock. A message does not bounce, so nothing is debounced.
 */
export class InputButton {
  private readonly button: TimedButton;

  constructor(options: InputButtonOptions, onGestures: (gestures: DatedGesture[]) => void) {
    this.button = new TimedButton(
      { debounceMs: 0, longPressMs: options.longPressMs ?? DEFAULT_LONG_PRESS_MS, doublePressMs: options.doublePressMs },
      () => new ArrivalClock(),
      onGestures,
    );
  }

  /** The button goes down (true) or up (false) now; gestures come out at once, a long press later. */
  set(pressed: boolean): void {
    this.button.push({ edge: pressed ? 'rising' : 'falling', timestampNs: process.hrtime.bigint() });
  }

  /** Cancels a long press under way. */
  close(): void {
    this.button.stop();
  }
}
