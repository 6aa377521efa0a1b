export interface RetryOptions {
  /** First wait before the next attempt (ms). */
  initialMs?: number;
  /** The wait doubles up to this (ms). */
  maxMs?: number;
  /** A run that worked this long (ms) counts as healthy: the next failure waits initialMs again. */
  stableAfterMs?: number;
}

const DEFAULT_RETRY = { initialMs: 500, maxMs: 30_000, stableAfterMs: 10_000 } as const;

/** Exponential waits between restarts: initialMs, doubling to maxMs, back to initialMs after a healthy run. */
export class RestartBackoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly stableAfterMs: number;
  private nextMs: number;

  constructor(options: RetryOptions = {}) {
    this.initialMs = options.initialMs ?? DEFAULT_RETRY.initialMs;
    this.maxMs = options.maxMs ?? DEFAULT_RETRY.maxMs;
    this.stableAfterMs = options.stableAfterMs ?? DEFAULT_RETRY.stableAfterMs;
    if (!(this.initialMs >= 0) || !(this.maxMs >= this.initialMs)) {
      throw new RangeError(`retry needs 0 <= initialMs <= maxMs, got ${this.initialMs} and ${this.maxMs}`);
    }
    this.nextMs = this.initialMs;
  }

  /** The wait before the next attempt, given how long the failed run worked (0 if it never did). */
  delayAfter(workedMs: number): number {
    if (workedMs >= this.stableAfterMs) this.nextMs = this.initialMs;
    const delay = this.nextMs;
    this.nextMs = Math.min(this.maxMs, Math.max(1, this.nextMs * 2));
    return delay;
  }
}
