/**
 * How much slower than our clock a device's clock may run without its growing lag counting as
 * loss: sound card and USB clocks are off by up to a few hundred ppm, and NTP slews the
 * monotonic clock by up to 500 ppm.
 */
const MAX_CLOCK_DRIFT = 0.001;

export interface OverflowDetectorOptions {
  sampleRate: number;
  /** Lag above the usual that is still normal delivery (a period or two in flight, scheduling). */
  toleranceFrames: number;
  /** How long a larger lag must last to count as loss: the backlog after a stall of this process drains sooner. */
  settleMs: number;
}

/**
 * Finds frames a capture device lost (overflow) when the driver does not say: naudiodon keeps
 * no count and only prints PortAudio's overflow flag. It compares the frames delivered with
 * the frames due by the monotonic clock since the capture started.
 *
 * The lag (frames due, less those received and those already reported lost) sits near a floor
 * while delivery is normal. A stall of this process raises it for a while (the device buffers,
 * then the backlog arrives in a burst); a loss raises it for good. So a lag beyond the
 * tolerance counts only once it has lasted `settleMs`, and then only its lowest value in that
 * time. The floor is the lowest lag seen, let rise as fast as a slow device clock could (that
 * is drift, not loss). A source faster than real time (a file) only ever lowers it.
 */
export class OverflowDetector {
  private startedAt = 0;
  private framesReceived = 0;
  private framesLost = 0;
  private floor: number | undefined;
  private dueAtFloor = 0;
  private raised: { since: number; lowest: number } | undefined;

  constructor(private readonly options: OverflowDetectorOptions) {}

  /** Frames are due from `nowMs` (milliseconds of a monotonic clock) on. */
  start(nowMs: number): void {
    this.startedAt = nowMs;
  }

  /** Counts frames delivered at `nowMs`; returns how many frames were newly found lost before them (mostly 0). */
  received(frames: number, nowMs: number): number {
    this.framesReceived += frames;
    const due = ((nowMs - this.startedAt) * this.options.sampleRate) / 1000;
    const lag = due - this.framesReceived - this.framesLost;
    this.floor = this.floor === undefined ? lag : Math.min(lag, this.floor + (due - this.dueAtFloor) * MAX_CLOCK_DRIFT);
    this.dueAtFloor = due;
    const excess = lag - this.floor;
    if (excess <= this.options.toleranceFrames) {
      this.raised = undefined;
      return 0;
    }
    if (!this.raised) {
      this.raised = { since: nowMs, lowest: excess };
      return 0;
    }
    this.raised.lowest = Math.min(this.raised.lowest, excess);
    if (nowMs - this.raised.since < this.options.settleMs) return 0;
    const lost = Math.round(this.raised.lowest);
    this.framesLost += lost;
    this.raised = undefined;
    return lost;
  }
}
