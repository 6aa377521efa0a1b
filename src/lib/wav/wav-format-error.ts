/** A WAV header this package cannot read: not RIFF/RF64 WAVE, or a format it does not record. */
export class WavFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WavFormatError';
  }
}
