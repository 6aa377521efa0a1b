import { AudioConversion, DEFAULT_DC_BLOCK_HZ } from '../src/lib/audio/convert/conversion-options';
import { createConverter } from '../src/lib/audio/convert/converter';
import { AudioFormat, bytesPerFrame, describeFormat } from '../src/lib/audio/format';
import { TestSignalGenerator } from '../src/lib/audio/test-signal';

/**
 * `node --import tsx bench/convert-speed.ts`: how fast mic-in's conversions run, in MB/s of
 * input and as a multiple of real time. Not part of `npm run bench`, which measures the nodes.
 */

const CHUNK_MS = 20;
const WARMUP_MS = 500;
const MEASURE_MS = 3000;

interface Case {
  input: AudioFormat;
  options: AudioConversion;
}

const matrix: AudioFormat = { sampleRate: 96000, channels: 8, bitDepth: 32, encoding: 'signed' };
const cases: Case[] = [
  { input: matrix, options: { channels: [0, 3], bitDepth: 16, dcBlockHz: DEFAULT_DC_BLOCK_HZ } },
  { input: matrix, options: { channels: 'mono', bitDepth: 16, dcBlockHz: DEFAULT_DC_BLOCK_HZ } },
  { input: { ...matrix, encoding: 'float' }, options: { bitDepth: 24 } },
];

function run({ input, options }: Case): string {
  const chunkFrames = (input.sampleRate * CHUNK_MS) / 1000;
  // A few distinct chunks, so the converter does not see one buffer over and over.
  const generator = new TestSignalGenerator(input, { waveform: 'noise', frequency: 0, levelDbfs: -6 });
  const chunks = Array.from({ length: 8 }, () => generator.next(chunkFrames));
  const converter = createConverter(input, options);
  const loop = (ms: number): { bytes: number; seconds: number } => {
    let bytes = 0;
    const started = process.hrtime.bigint();
    const until = started + BigInt(ms) * 1_000_000n;
    let now = started;
    for (let i = 0; now < until; i++) {
      const chunk = chunks[i % chunks.length]!;
      converter.convert(chunk);
      bytes += chunk.length;
      now = process.hrtime.bigint();
    }
    return { bytes, seconds: Number(now - started) / 1e9 };
  };
  loop(WARMUP_MS);
  const { bytes, seconds } = loop(MEASURE_MS);
  const mbPerSecond = bytes / seconds / 1e6;
  const realTime = bytes / seconds / (bytesPerFrame(input) * input.sampleRate);
  return `${describeFormat(input)} -> ${describeFormat(converter.format)} ${JSON.stringify(options)}: ${mbPerSecond.toFixed(0)} MB/s, ${realTime.toFixed(0)}x real time`;
}

for (const c of cases) console.log(run(c));
