/** What mic-in may do to the audio on its way out; every option is off when absent. */
export interface AudioConversion {
  /**
   * Source channels to keep, by index from 0, in output order (repeats allowed: [0, 0] makes
   * stereo from one channel), or 'mono' to average all channels into one.
   */
  channels?: readonly number[] | 'mono';
  /**
   * Reduce samples to this many bits (from 24- or 32-bit integers, or 32-bit float): rounded
   * to nearest with ties to even, clipped to the range, no dither.
   */
  bitDepth?: 16 | 24;
  /** Cutoff (the -3 dB point) in Hz of a high-pass filter that removes each channel's DC offset. */
  dcBlockHz?: number;
}

export const CONVERSION_OPTION_NAMES: readonly string[] = ['channels', 'bitDepth', 'dcBlockHz'];

/**
 * A cutoff for the DC blocker when the user has not chosen one: low enough to keep the bottom
 * of the audible range (-1 dB at 20 Hz), high enough to settle in about 16 ms.
 */
export const DEFAULT_DC_BLOCK_HZ = 10;
