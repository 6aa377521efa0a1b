import { Debouncer, LevelEdge, StableTransition } from './debouncer';
import { Gesture, GestureClassifier, GestureOptions } from './gesture-classifier';

export interface ButtonSignalOptions extends GestureOptions {
  debounceMs: number;
}

/**
 * Edges in, gestures out: the debouncer feeding the gesture classifier, with one clock and one
 * deadline for the caller's timer. Pure: time is only what the timestamps and poll() say.
 */
export class ButtonSignal {
  private readonly debouncer: Debouncer;
  private readonly classifier: GestureClassifier;

  constructor(options: ButtonSignalOptions) {
    this.debouncer = new Debouncer(options.debounceMs);
    this.classifier = new GestureClassifier(options);
  }

  push(edge: LevelEdge): Gesture[] {
    return this.advance(this.debouncer.push(edge), edge.timestampNs);
  }

  poll(nowNs: bigint): Gesture[] {
    return this.advance(this.debouncer.poll(nowNs), nowNs);
  }

  /**
   * When poll() has something to decide. While a burst is under way the classifier waits for
   * it (the burst may turn out to be a release dated before the long-press deadline), so the
   * debouncer's deadline comes first.
   */
  nextDeadlineNs(): bigint | undefined {
    return this.debouncer.nextDeadlineNs() ?? this.classifier.nextDeadlineNs();
  }

  private advance(transitions: StableTransition[], nowNs: bigint): Gesture[] {
    const gestures = transitions.flatMap((transition) => this.classifier.push(transition));
    // The classifier may only look as far as the stable level is known.
    return [...gestures, ...this.classifier.poll(this.debouncer.settledUntilNs(nowNs))];
  }
}
