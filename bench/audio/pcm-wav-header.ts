/** What a WAV header describes, as far as the bench writes or checks it. */
export interface PcmLayout {
  sampleRate: number;
  channels: number;
  bitDepth: number;
}

/**
 * The canonical 44-byte RIFF/WAVE header (WAVE_FORMAT_PCM, one fmt and one data chunk),
 * what Python's `wave` module writes for the pyaudio example whatever the channel count.
 */
export function canonicalWavHeader(layout: PcmLayout, dataBytes: number): Buffer {
  const blockAlign = (layout.bitDepth / 8) * layout.channels;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(layout.channels, 22);
  header.writeUInt32LE(layout.sampleRate, 24);
  header.writeUInt32LE(layout.sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(layout.bitDepth, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}
