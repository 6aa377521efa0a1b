/** The host's clocks read at one instant. On Linux, process.hrtime is CLOCK_MONOTONIC, the kernel's default event clock. */
export interface HostClocks {
  monotonicNs: bigint;
  realtimeNs: bigint;
}

export function readHostClocks(): HostClocks {
  return { monotonicNs: process.hrtime.bigint(), realtimeNs: BigInt(Date.now()) * 1_000_000n };
}

/**
 * Which clock stamped the events. gpiomon 2.x is asked for CLOCK_MONOTONIC; 1.x gets what the
 * kernel's v1 interface uses: CLOCK_MONOTONIC since Linux 5.7, CLOCK_REALTIME before. 'other'
 * is neither (a hardware timestamp engine, or a test stand-in's scripted times).
 */
export type EventClockKind = 'monotonic' | 'realtime' | 'other';

/** An event is read within moments of happening; ten minutes is far beyond any delay and far below the gap between the two clocks. */
const SAME_CLOCK_NS = 10n * 60n * 1_000_000_000n;

export function identifyEventClock(timestampNs: bigint, host: HostClocks): EventClockKind {
  if (distance(timestampNs, host.monotonicNs) < SAME_CLOCK_NS) return 'monotonic';
  if (distance(timestampNs, host.realtimeNs) < SAME_CLOCK_NS) return 'realtime';
  return 'other';
}

/**
 * The event clock of one gpiomon run, told apart from its first event. It answers two
 * questions: what time it is now on the event clock (for the debounce and long-press
 * deadlines: the last event's timestamp plus the host's monotonic time since it arrived, which
 * needs no knowledge of the clock), and which wall-clock time an event timestamp was:
 * - monotonic: now on the wall clock less the event's age, worked out when asked, so a wall
 *   clock set by NTP after boot (a Pi has no RTC) is followed at once;
 * - realtime: the timestamp itself;
 * - other: the wall-clock time the run's first event arrived, plus the timestamp's distance
 *   from that event's.
 */
export class EventClock {
  private kind: EventClockKind | undefined;
  private anchor: { timestampNs: bigint; host: HostClocks } | undefined;
  private last: { timestampNs: bigint; monotonicNs: bigint } | undefined;

  constructor(private readonly readHost: () => HostClocks = readHostClocks) {}

  /** Notes an event as it arrives. */
  observe(timestampNs: bigint): void {
    const host = this.readHost();
    if (this.kind === undefined) {
      this.kind = identifyEventClock(timestampNs, host);
      this.anchor = { timestampNs, host };
    }
    this.last = { timestampNs, monotonicNs: host.monotonicNs };
  }

  /** Now on the event clock, as far as the events tell; undefined before the first. */
  nowNs(): bigint | undefined {
    if (!this.last) return undefined;
    return this.last.timestampNs + (this.readHost().monotonicNs - this.last.monotonicNs);
  }

  /** The wall-clock time of an event timestamp, as an ISO string (millisecond precision). */
  toIso(timestampNs: bigint): string {
    return new Date(Number(this.toWallNs(timestampNs) / 1_000_000n)).toISOString();
  }

  private toWallNs(timestampNs: bigint): bigint {
    if (this.kind === 'realtime') return timestampNs;
    if (this.kind === 'monotonic') {
      const host = this.readHost();
      return host.realtimeNs - (host.monotonicNs - timestampNs);
    }
    const anchor = this.anchor ?? { timestampNs, host: this.readHost() };
    return anchor.host.realtimeNs + (timestampNs - anchor.timestampNs);
  }
}

function distance(a: bigint, b: bigint): bigint {
  return a > b ? a - b : b - a;
}
