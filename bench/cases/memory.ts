import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ChunkMessage, takeBytes, takeChunks, takeFrames, type TakeSpec } from '../audio/chunk-stream';
import { verifyTake } from '../audio/verify-take';
import { Feeder } from '../feed/feeder';
import { PartialFileProgress } from '../feed/partial-file-progress';
import { runCase } from '../lib/case-runner';
import { collectGarbage } from '../lib/gc';
import { progress } from '../lib/log';
import { RssSampler } from '../measure/rss-sampler';
import type { BenchPortNode, ConsumerNode } from '../red/bench-node-types';
import { EmbeddedRed, type FlowNode } from '../red/embedded-red';
import { dropFlow, holdWavFlow, partialPath, SINK_ID, SOURCE_ID, TARGET_ID, wavWriterFlow } from '../red/flows';
import { nextMessage } from '../red/next-message';

/**
 * Benchmark 1, one consumer per process: RSS growth while 10 audio-minutes of
 * 8 ch x 96 kHz x 32-bit go through Node-RED into
 * - wav-writer: the product;
 * - hold-in-memory: the pyaudio-style baseline that keeps the take in a list;
 * - null-sink: a node that drops every chunk, the floor set by the feeder's allocations,
 *   Node-RED and V8's garbage collector with no writer at all.
 * Usage: memory.ts <mode> <work dir>
 */
export type MemoryMode = 'wav-writer' | 'hold-in-memory' | 'null-sink';

export interface MemoryResult {
  mode: MemoryMode;
  audioSeconds: number;
  audioBytes: number;
  baselineRssBytes: number;
  peakRssBytes: number;
  growthBytes: number;
  samples: number;
  maxInFlightBytes: number;
  peakInFlightBytes: number;
  feederWaits: number;
  wallMs: number;
  /** What is wrong with the file written (empty for the null sink, which writes none). */
  problems: string[];
}

const TAKE: TakeSpec = {
  session: 'bench-memory',
  filename: 'memory.wav',
  format: { sampleRate: 96000, channels: 8, bitDepth: 32, encoding: 'signed' },
  seconds: 600,
  chunkMs: 100,
};
/** Chunks (1 s of audio) fed before the reference reading, so code is compiled and pools exist. */
const WARMUP_CHUNKS = 10;
/** About 3 chunks of 307 KB: a short backlog, as behind a disk that keeps up. */
const MAX_IN_FLIGHT_BYTES = 1 << 20;
const FINISH_TIMEOUT_MS = 600_000;

const FLOWS: Record<MemoryMode, (directory: string) => FlowNode[]> = {
  'wav-writer': wavWriterFlow,
  'hold-in-memory': holdWavFlow,
  'null-sink': dropFlow,
};

async function measure(mode: MemoryMode, workDir: string): Promise<MemoryResult> {
  const directory = join(workDir, 'recordings');
  mkdirSync(directory, { recursive: true });
  const red = await EmbeddedRed.start(join(workDir, 'user'), FLOWS[mode](directory));
  try {
    const sink = red.node<BenchPortNode>(SINK_ID);
    let consumed: () => number;
    if (mode === 'wav-writer') {
      const file = new PartialFileProgress(partialPath(directory, TAKE.filename));
      consumed = () => file.landedBytes();
    } else {
      const consumer = red.node<ConsumerNode>(TARGET_ID);
      consumed = () => consumer.consumedBytes;
    }
    const feeder = new Feeder(red.node<BenchPortNode>(SOURCE_ID), consumed, MAX_IN_FLIGHT_BYTES);
    const chunks = takeChunks(TAKE);
    const finished = nextMessage(sink, FINISH_TIMEOUT_MS);
    const started = Date.now();

    for (let i = 0; i < WARMUP_CHUNKS; i++) await feeder.send(chunks.next().value as ChunkMessage);
    await feeder.drain();
    collectGarbage();
    const baselineRssBytes = process.memoryUsage.rss();
    const sampler = new RssSampler();
    sampler.start(50);

    progress(`memory, ${mode}: ${TAKE.seconds} s of 8 ch x 96 kHz x 32-bit (${(takeBytes(TAKE) / 1e9).toFixed(2)} GB)`);
    for (const msg of chunks) await feeder.send(msg);
    const done = await finished;
    sampler.stop();
    const wallMs = Date.now() - started;

    const problems: string[] = [];
    if (mode !== 'null-sink') problems.push(...verifyTake(String(done.payload), TAKE));
    const frames = (done as { recording?: { frames?: unknown } }).recording?.frames;
    if (mode === 'wav-writer' && frames !== takeFrames(TAKE)) problems.push(`msg.recording.frames is ${String(frames)}, expected ${takeFrames(TAKE)}`);
    return {
      mode,
      audioSeconds: TAKE.seconds,
      audioBytes: takeBytes(TAKE),
      baselineRssBytes,
      peakRssBytes: sampler.peakBytes,
      growthBytes: sampler.peakBytes - baselineRssBytes,
      samples: sampler.samples,
      maxInFlightBytes: feeder.maxInFlightBytes,
      peakInFlightBytes: feeder.peakInFlightBytes,
      feederWaits: feeder.waits,
      wallMs,
      problems,
    };
  } finally {
    await red.stop();
  }
}

const [mode, workDir] = process.argv.slice(2);
if (!workDir || !(mode === 'wav-writer' || mode === 'hold-in-memory' || mode === 'null-sink')) {
  throw new Error('usage: memory.ts wav-writer|hold-in-memory|null-sink <work dir>');
}
runCase(() => measure(mode, workDir));
