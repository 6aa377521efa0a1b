/** Samples the process's resident set size on a timer and keeps the peak. */
export class RssSampler {
  peakBytes = 0;
  samples = 0;
  private timer: NodeJS.Timeout | undefined;

  start(intervalMs = 50): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Stops sampling after one last sample. */
  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  private sample(): void {
    this.samples++;
    this.peakBytes = Math.max(this.peakBytes, process.memoryUsage.rss());
  }
}
