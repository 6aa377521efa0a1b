import { HostClocks, readHostClocks } from './event-clock';
import type { ButtonClock } from './timed-button';

/**
 * A ButtonClock for timestamps the host has no clock for: a Pico's ticks, or the moments button
 * messages arrive. Everything is dated from the latest edge's arrival: now is its timestamp plus
 * the host's monotonic time since it came, and a timestamp's wall-clock time is that arrival's
 * wall-clock time shifted by the timestamps' distance. Anchoring on the latest edge rather than
 * the first keeps two clocks' drift (a Pico's crystal against the host's) out of the dates,
 * however long the link runs; the delay of the link is the only error left.
 */
export class ArrivalClock implements ButtonClock {
  private latest: { timestampNs: bigint; host: HostClocks } | undefined;

  constructor(private readonly readHost: () => HostClocks = readHostClocks) {}

  observe(timestampNs: bigint): void {
    this.latest = { timestampNs, host: this.readHost() };
  }

  nowNs(): bigint | undefined {
    if (!this.latest) return undefined;
    return this.latest.timestampNs + (this.readHost().monotonicNs - this.latest.host.monotonicNs);
  }

  toIso(timestampNs: bigint): string {
    const anchor = this.latest ?? { timestampNs, host: this.readHost() };
    return new Date(Number((anchor.host.realtimeNs + timestampNs - anchor.timestampNs) / 1_000_000n)).toISOString();
  }
}
