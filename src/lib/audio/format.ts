/**
 * PCM format of an audio stream, as carried in `msg.audio.format`.
 * Samples are interleaved and little-endian. 8-bit samples are unsigned (as in WAV and
 * ALSA's U8); 16/24/32-bit integers are signed; 32-bit may also be IEEE float.
 */
export interface AudioFormat {
  sampleRate: number;
  channels: number;
  bitDepth: 8 | 16 | 24 | 32;
  encoding: 'signed' | 'unsigned' | 'float';
  /** Significant bits in each container sample (e.g. 18 of 32 for an SPH0645); defaults to bitDepth. */
  validBits?: number;
}

export const MAX_CHANNELS = 32;
export const MAX_SAMPLE_RATE = 768_000;

/** Why a format cannot be recorded, or undefined when it can. */
export function formatProblem(format: unknown): string | undefined {
  if (typeof format !== 'object' || format === null) return 'format must be an object';
  const { sampleRate, channels, bitDepth, encoding, validBits } = format as Record<string, unknown>;
  if (!Number.isInteger(sampleRate) || (sampleRate as number) < 1 || (sampleRate as number) > MAX_SAMPLE_RATE) {
    return `sampleRate must be a whole number from 1 to ${MAX_SAMPLE_RATE}, got ${String(sampleRate)}`;
  }
  if (!Number.isInteger(channels) || (channels as number) < 1 || (channels as number) > MAX_CHANNELS) {
    return `channels must be a whole number from 1 to ${MAX_CHANNELS}, got ${String(channels)}`;
  }
  if (bitDepth !== 8 && bitDepth !== 16 && bitDepth !== 24 && bitDepth !== 32) {
    return `bitDepth must be 8, 16, 24 or 32, got ${String(bitDepth)}`;
  }
  const expected = bitDepth === 8 ? ['unsigned'] : bitDepth === 32 ? ['signed', 'float'] : ['signed'];
  if (typeof encoding !== 'string' || !expected.includes(encoding)) {
    return `encoding of ${bitDepth}-bit samples must be ${expected.join(' or ')}, got ${String(encoding)}`;
  }
  if (validBits !== undefined && (!Number.isInteger(validBits) || (validBits as number) < 1 || (validBits as number) > bitDepth)) {
    return `validBits must be a whole number from 1 to ${bitDepth}, got ${String(validBits)}`;
  }
  return undefined;
}

/** Throws TypeError (not an object) or RangeError (a field out of range) for a format that cannot be carried. */
export function assertFormat(format: AudioFormat): void {
  const problem = formatProblem(format);
  if (problem === undefined) return;
  if (typeof format !== 'object' || format === null) throw new TypeError(problem);
  throw new RangeError(problem);
}

export function bytesPerSample(format: AudioFormat): number {
  return format.bitDepth / 8;
}

export function bytesPerFrame(format: AudioFormat): number {
  return (format.bitDepth / 8) * format.channels;
}

export function sameFormat(a: AudioFormat, b: AudioFormat): boolean {
  return (
    a.sampleRate === b.sampleRate &&
    a.channels === b.channels &&
    a.bitDepth === b.bitDepth &&
    a.encoding === b.encoding &&
    (a.validBits ?? a.bitDepth) === (b.validBits ?? b.bitDepth)
  );
}

/** Short human text such as "48k 16b 2ch" or "96k 32f 8ch", for node status. */
export function describeFormat(format: AudioFormat): string {
  const rate = format.sampleRate % 1000 === 0 ? `${format.sampleRate / 1000}k` : `${(format.sampleRate / 1000).toFixed(1)}k`;
  return `${rate} ${format.bitDepth}${format.encoding === 'float' ? 'f' : 'b'} ${format.channels}ch`;
}

/** Whole milliseconds (the frame count is the exact length). */
export function framesToMs(frames: number, format: AudioFormat): number {
  return Math.round((frames * 1000) / format.sampleRate);
}
