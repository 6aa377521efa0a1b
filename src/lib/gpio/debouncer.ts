/** An edge as the debouncer needs it: the level the line went to, and when (kernel event clock). */
export interface LevelEdge {
  edge: 'rising' | 'falling';
  timestampNs: bigint;
}

/** A debounced change of the button: pressed (line active) or released, dated to its first edge. */
export interface StableTransition {
  pressed: boolean;
  atNs: bigint;
}

export const DEFAULT_DEBOUNCE_MS = 25;

/**
 * Debounces a button on the kernel's edge timestamps, never on the time events reach us.
 *
 * The rule: edges less than debounceMs apart belong to one burst (contact bounce; each edge
 * counts, whatever its direction, since each shows the contact still moving). A burst ends
 * when the line has been quiet for debounceMs after its last edge, shown either by the next
 * edge's timestamp or, when no edge follows, by poll() with the current time once
 * nextDeadlineNs() has passed. At its end the burst's last level is the line's level: if it
 * differs from the stable level, that is one transition, dated to the burst's first edge
 * (when the contact first moved); if not, the burst was a glitch and nothing happens.
 *
 * 'Pressed' is the line's active level: rising = pressed, after the active-low inversion the
 * kernel applies when asked. The level before the first edge is unknown and taken as
 * released, so a button held at start shows up at its first release burst only as a level
 * confirmation (no transition), never as a release without a press.
 * With debounceMs 0 every edge that changes the level is a transition at once.
 */
export class Debouncer {
  private stablePressed = false;
  private burst: { startNs: bigint; lastNs: bigint; pressed: boolean } | undefined;
  private lastEdgeNs: bigint | undefined;
  private readonly debounceNs: bigint;

  constructor(debounceMs: number = DEFAULT_DEBOUNCE_MS) {
    if (!Number.isFinite(debounceMs) || debounceMs < 0) throw new RangeError(`debounceMs must be >= 0, got ${debounceMs}`);
    this.debounceNs = BigInt(Math.round(debounceMs * 1e6));
  }

  /** The debounced level. */
  get pressed(): boolean {
    return this.stablePressed;
  }

  push(edge: LevelEdge): StableTransition[] {
    // A realtime event clock (1.x on kernels before 5.7) can step back; time never runs backwards here.
    const at = this.lastEdgeNs !== undefined && edge.timestampNs < this.lastEdgeNs ? this.lastEdgeNs : edge.timestampNs;
    this.lastEdgeNs = at;
    const settled = this.poll(at);
    const pressed = edge.edge === 'rising';
    if (this.burst) {
      this.burst.lastNs = at;
      this.burst.pressed = pressed;
    } else {
      this.burst = { startNs: at, lastNs: at, pressed };
    }
    return [...settled, ...this.poll(at)];
  }

  /** Ends the burst under way if the line has been quiet long enough by `nowNs`. */
  poll(nowNs: bigint): StableTransition[] {
    const burst = this.burst;
    if (!burst || nowNs < burst.lastNs + this.debounceNs) return [];
    this.burst = undefined;
    if (burst.pressed === this.stablePressed) return [];
    this.stablePressed = burst.pressed;
    return [{ pressed: burst.pressed, atNs: burst.startNs }];
  }

  /** When poll() can end the burst under way; undefined when there is none. */
  nextDeadlineNs(): bigint | undefined {
    return this.burst ? this.burst.lastNs + this.debounceNs : undefined;
  }

  /**
   * Up to when the stable level is known at `nowNs`: until the burst under way began, as its
   * transition, if any, will be dated there.
   */
  settledUntilNs(nowNs: bigint): bigint {
    return this.burst && this.burst.startNs < nowNs ? this.burst.startNs : nowNs;
  }
}
