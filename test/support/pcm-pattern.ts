import { type AudioFormat, bytesPerFrame } from '../../src/lib/audio/format';

/**
 * Deterministic PCM where every sample depends on its frame index and channel, so a
 * dropped, repeated or shifted frame shows up in a byte compare. Floats are multiples of
 * 2^-15 in [-1, 1), which sox passes through exactly.
 */
export function pcmPattern(format: AudioFormat, firstFrame: number, frames: number): Buffer {
  const sampleBytes = format.bitDepth / 8;
  const pcm = Buffer.alloc(frames * bytesPerFrame(format));
  let offset = 0;
  for (let frame = firstFrame; frame < firstFrame + frames; frame++) {
    for (let channel = 0; channel < format.channels; channel++) {
      const seed = Math.imul(frame, 0x9e3779b1) ^ Math.imul(channel + 1, 0x85ebca6b);
      if (format.encoding === 'float') pcm.writeFloatLE(((seed >>> 16) - 0x8000) / 0x8000, offset);
      else if (sampleBytes === 4) pcm.writeInt32LE(seed | 0, offset);
      else pcm.writeUIntLE(seed >>> (32 - format.bitDepth), offset, sampleBytes);
      offset += sampleBytes;
    }
  }
  return pcm;
}
