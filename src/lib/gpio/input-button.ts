import { ArrivalClock } from './arrival-clock';
import { ButtonTiming, DatedGesture, TimedButton } from './timed-button';

/**
 * A button worked by messages ("press", "release": a dashboard button, or a flow tried on a
 * machine without one): the same gestures as a real button, each edge dated by its arrival on
 * the host's monotonic clock. A message does not bounce, so nothing is debounced.
 */
export class InputButton {
  private readonly button: TimedButton;

  constructor(timing: ButtonTiming, onGestures: (gestures: DatedGesture[]) => void) {
    this.button = new TimedButton(0, timing, () => new ArrivalClock(), onGestures);
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
