import { AudioFormat, bytesPerSample } from './format';
import { sampleReader } from './samples';

export interface AudioLevel {
  peakDbfs: number;
  rmsDbfs: number;
}

/** Floor for dBFS values: digital silence reads as this rather than -Infinity, which JSON cannot carry. */
export const SILENCE_DBFS = -144;

export function toDbfs(amplitude: number): number {
  return amplitude > 0 ? Math.max(SILENCE_DBFS, 20 * Math.log10(amplitude)) : SILENCE_DBFS;
}

/**
 * Peak and RMS over every sample of every channel, relative to full scale (a full-scale
 * square wave reads 0 dBFS RMS; a full-scale sine reads -3 dBFS RMS). Undefined for an empty buffer.
 */
export function measureLevel(pcm: Buffer, format: AudioFormat): AudioLevel | undefined {
  const samples = pcm.length / bytesPerSample(format);
  if (samples === 0) return undefined;
  const read = sampleReader(format);
  let peak = 0;
  let sumOfSquares = 0;
  for (let i = 0; i < samples; i++) {
    const value = read(pcm, i);
    const magnitude = value < 0 ? -value : value;
    if (magnitude > peak) peak = magnitude;
    sumOfSquares += value * value;
  }
  return { peakDbfs: toDbfs(peak), rmsDbfs: toDbfs(Math.sqrt(sumOfSquares / samples)) };
}
