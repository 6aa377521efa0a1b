/** MicroPython's ticks_ms() on the Pico counts modulo 2^30 ms: it wraps about every 12.4 days. */
export const PICO_TICKS_PERIOD_MS = 2 ** 30;

/**
 * Turns a wrapping millisecond tick count into a timeline in nanoseconds that never wraps,
 * starting at 0 with the first tick seen. Two ticks are compared as MicroPython's ticks_diff()
 * does: the short way round, so a step of less than half the period is forward across a wrap,
 * and a larger one is a step back (an edge reported out of order), on which time stands still.
 */
export class TickUnwrapper {
  private last: number | undefined;
  private elapsedMs = 0;

  constructor(private readonly periodMs: number = PICO_TICKS_PERIOD_MS) {
    if (!Number.isSafeInteger(periodMs) || periodMs < 2) throw new RangeError(`tick period must be an integer >= 2, got ${periodMs}`);
  }

  toNs(ticksMs: number): bigint {
    if (!Number.isFinite(ticksMs)) throw new RangeError(`not a tick count: ${ticksMs}`);
    const ticks = modulo(Math.floor(ticksMs), this.periodMs);
    if (this.last === undefined) {
      this.last = ticks;
    } else {
      const step = modulo(ticks - this.last, this.periodMs);
      if (step < this.periodMs / 2) {
        this.elapsedMs += step;
        this.last = ticks;
      }
    }
    return BigInt(this.elapsedMs) * 1_000_000n;
  }
}

function modulo(value: number, period: number): number {
  return ((value % period) + period) % period;
}
