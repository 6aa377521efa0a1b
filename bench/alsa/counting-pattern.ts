/**
 * Checks captured audio against pacer.py's counting pattern (frame n of the card's stream is
 * the 32-bit number n + 1): what arrived, from which frame, and what is missing or foreign.
 */
export interface PatternCheck {
  frames: number;
  /** The pattern value of the first and last pattern frame (0 when there is none). */
  firstValue: number;
  lastValue: number;
  /** Card frames between the first and the last that the capture does not hold: audio lost. */
  missing: number;
  /** Places where the sequence jumps forward (each is one run of missing frames). */
  gaps: number;
  /** Frames of zeros: silence put in for audio the source reported lost. */
  silence: number;
  /** Frames that go backwards or repeat: stale data from a short read, or a duplicated period. */
  repeated: number;
}

export function checkCountingPattern(pcm: Buffer, frameBytes = 4): PatternCheck {
  if (frameBytes !== 4) throw new Error('the counting pattern is one 32-bit number per frame');
  const frames = Math.floor(pcm.length / frameBytes);
  const check: PatternCheck = { frames, firstValue: 0, lastValue: 0, missing: 0, gaps: 0, silence: 0, repeated: 0 };
  let previous = 0;
  for (let i = 0; i < frames; i++) {
    const value = pcm.readUInt32LE(i * frameBytes);
    if (value === 0) {
      check.silence++;
      continue;
    }
    if (previous === 0) check.firstValue = value;
    else if (value > previous + 1) {
      check.gaps++;
      check.missing += value - previous - 1;
    } else if (value <= previous) {
      check.repeated++;
      continue;
    }
    previous = value;
  }
  check.lastValue = previous;
  return check;
}

/** Of the periods the card dropped, the frames that fall within the stretch the capture covers. */
export function droppedWithin(check: PatternCheck, droppedPeriods: readonly number[], periodFrames: number): number {
  if (check.firstValue === 0) return 0;
  const first = check.firstValue - 1;
  const last = check.lastValue - 1;
  let frames = 0;
  for (const period of droppedPeriods) {
    const start = Math.max(first, period * periodFrames);
    const end = Math.min(last + 1, (period + 1) * periodFrames);
    if (end > start) frames += end - start;
  }
  return frames;
}
