export interface SilenceStopOptions {
  /** A chunk whose RMS level is below this (dBFS) counts as silent. */
  thresholdDbfs: number;
  /** How long the silence must last before the recording ends. */
  hangoverMs: number;
  /** The recording is never ended for silence before it is this long (pre-roll included). */
  minLengthMs: number;
}

/**
 * Decides when a recording has gone quiet for long enough, judged on the chunks' own RMS
 * levels and frame counts (the audio's timeline, not the wall clock), so the stop lands
 * within the hang-over plus one chunk whatever the event loop does.
 */
export class SilenceDetector {
  private silentFrames = 0;
  private readonly hangoverFrames: number;
  private readonly minFrames: number;

  constructor(
    private readonly options: SilenceStopOptions,
    sampleRate: number,
  ) {
    this.hangoverFrames = Math.max(1, Math.round((options.hangoverMs * sampleRate) / 1000));
    this.minFrames = Math.round((options.minLengthMs * sampleRate) / 1000);
  }

  /**
   * Takes one chunk's level and length; `recordedFrames` is the recording's length after it.
   * Returns true when the recording should end for silence.
   */
  push(rmsDbfs: number, frames: number, recordedFrames: number): boolean {
    this.silentFrames = rmsDbfs < this.options.thresholdDbfs ? this.silentFrames + frames : 0;
    return this.silentFrames >= this.hangoverFrames && recordedFrames >= this.minFrames;
  }
}
