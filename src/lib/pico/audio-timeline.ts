/** Where an audio frame goes on the timeline. */
export interface Placement {
  /** Samples lost just before this frame: fill with this much silence. */
  gap: number;
  /** Leading samples of this frame already placed: drop them. */
  skip: number;
}

export interface TimelineLimits {
  /** A larger jump forward is not loss but a stream we lost track of: follow it without filling. */
  maxGapSamples: number;
  /** A frame starting further back than this is a new stream, not a stale frame. */
  maxBackwardSamples: number;
}

export interface TimelineStats {
  /** Samples filled with silence. */
  droppedSamples: number;
  gaps: number;
  /** Frames dropped because every sample in them was already placed. */
  staleFrames: number;
  /** Jumps beyond the limits, followed without filling. */
  resyncs: number;
}

/**
 * Places audio frames by their first-sample index (a u32 that wraps, docs/pico-link-protocol.md
 * section 4). The distance from the expected index is taken modulo 2^32 as a signed 32-bit
 * number, so the wrap after 2^32 samples is just one more step forward.
 */
export class AudioTimeline {
  readonly stats: TimelineStats = { droppedSamples: 0, gaps: 0, staleFrames: 0, resyncs: 0 };
  /** The index the next frame should start at; a stream starts at 0. */
  private next = 0;

  constructor(private readonly limits: TimelineLimits) {}

  /** A new stream begins (the device answered start): its first sample is index 0. */
  reset(): void {
    this.next = 0;
  }

  /** Where a frame of `samples` samples starting at `firstSample` goes; undefined: drop it whole. */
  place(firstSample: number, samples: number): Placement | undefined {
    const distance = (firstSample - this.next) | 0;
    if (distance > this.limits.maxGapSamples || distance < -this.limits.maxBackwardSamples) {
      this.stats.resyncs++;
      this.next = (firstSample + samples) >>> 0;
      return { gap: 0, skip: 0 };
    }
    if (distance < 0 && -distance >= samples) {
      this.stats.staleFrames++;
      return undefined;
    }
    this.next = (firstSample + samples) >>> 0;
    if (distance < 0) return { gap: 0, skip: -distance };
    if (distance === 0) return { gap: 0, skip: 0 };
    this.stats.droppedSamples += distance;
    this.stats.gaps++;
    return { gap: distance, skip: 0 };
  }
}
