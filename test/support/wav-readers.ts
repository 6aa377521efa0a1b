// Readers that are not ours, to check the files we write: sox (the C library most Linux
// audio tools build on) and the `wavefile` npm package.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { WaveFile } from 'wavefile';

const run = promisify(execFile);

export interface SoxInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Sample frames the header says the file holds (sox's "samples" are per channel). */
  frames: number;
  /** e.g. "Signed Integer PCM", "Unsigned Integer PCM", "Floating Point PCM". */
  encoding: string;
}

async function soxi(flag: string, path: string): Promise<string> {
  const { stdout } = await run('soxi', [flag, path]);
  return stdout.trim();
}

/** What `soxi` reports about the file's header. Rejects when sox cannot open the file. */
export async function soxInfo(path: string): Promise<SoxInfo> {
  const [rate, channels, bits, samples, encoding] = await Promise.all(
    ['-r', '-c', '-b', '-s', '-e'].map((flag) => soxi(flag, path)),
  );
  return {
    sampleRate: Number(rate),
    channels: Number(channels),
    bitsPerSample: Number(bits),
    frames: Number(samples),
    encoding: encoding ?? '',
  };
}

/**
 * The PCM sox decodes from the file, written back raw in the same encoding (exact for
 * integers, and for floats that are multiples of 2^-15: sox converts through 32-bit
 * integers). `warnings` holds what sox printed on stderr, e.g. "Premature EOF".
 */
export async function soxDecode(path: string): Promise<{ pcm: Buffer; warnings: string }> {
  const { stdout, stderr } = await run('sox', [path, '-t', 'raw', '-'], {
    encoding: 'buffer',
    maxBuffer: 1024 * 1024 * 1024,
  });
  return { pcm: stdout, warnings: stderr.toString() };
}

export interface WavefileInfo {
  container: string;
  audioFormat: number;
  numChannels: number;
  sampleRate: number;
  byteRate: number;
  blockAlign: number;
  bitsPerSample: number;
  fmtChunkSize: number;
  cbSize: number;
  validBitsPerSample: number;
  dwChannelMask: number;
  /** The SubFormat GUID as 16 bytes in file order; empty for plain fmt chunks. */
  subFormat: Buffer;
  /**
   * The ds64 payload as the seven 32-bit words in file order (riffSize low/high, dataSize
   * low/high, sampleCount low/high, tableLength). wavefile 11 reads them under names of
   * another layout (its "originationTime" is sampleCount low), so only the order is used.
   */
  ds64Words: number[];
  /** The data chunk's bytes as wavefile found them. */
  data: Buffer;
  /** Sample `index` (interleaved) as wavefile decodes it: integers as stored, floats as floats. */
  sample(index: number): number;
}

interface WavefileFields {
  container: string;
  fmt: {
    chunkSize: number; audioFormat: number; numChannels: number; sampleRate: number; byteRate: number;
    blockAlign: number; bitsPerSample: number; cbSize: number; validBitsPerSample: number;
    dwChannelMask: number; subformat: number[];
  };
  ds64: {
    chunkId: string; riffSizeHigh: number; riffSizeLow: number; dataSizeHigh: number; dataSizeLow: number;
    originationTime: number; sampleCountHigh: number; sampleCountLow: number;
  };
  data: { samples: Uint8Array };
}

export async function wavefileInfo(path: string): Promise<WavefileInfo> {
  const wav = new WaveFile(await readFile(path));
  // wavefile's typings declare these chunks as plain `object`.
  const { container, fmt, ds64, data } = wav as unknown as WavefileFields;
  const subFormat = Buffer.alloc(fmt.subformat.length * 4);
  fmt.subformat.forEach((word, index) => subFormat.writeUInt32LE(word, index * 4));
  return {
    container,
    audioFormat: fmt.audioFormat,
    numChannels: fmt.numChannels,
    sampleRate: fmt.sampleRate,
    byteRate: fmt.byteRate,
    blockAlign: fmt.blockAlign,
    bitsPerSample: fmt.bitsPerSample,
    fmtChunkSize: fmt.chunkSize,
    cbSize: fmt.cbSize,
    validBitsPerSample: fmt.validBitsPerSample,
    dwChannelMask: fmt.dwChannelMask,
    subFormat,
    ds64Words: ds64.chunkId === 'ds64'
      ? [ds64.riffSizeHigh, ds64.riffSizeLow, ds64.dataSizeHigh, ds64.dataSizeLow, ds64.originationTime, ds64.sampleCountHigh, ds64.sampleCountLow]
      : [],
    data: Buffer.from(data.samples.buffer, data.samples.byteOffset, data.samples.byteLength),
    sample: (index) => wav.getSample(index),
  };
}
