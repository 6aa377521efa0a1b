import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { takeBytes, takeChunks, type TakeSpec } from '../audio/chunk-stream';
import { verifyTake } from '../audio/verify-take';
import { Feeder } from '../feed/feeder';
import { PartialFileProgress } from '../feed/partial-file-progress';
import { runCase } from '../lib/case-runner';
import { progress } from '../lib/log';
import { median } from '../lib/stats';
import { catCost } from '../measure/cat-cost';
import type { BenchPortNode } from '../red/bench-node-types';
import { EmbeddedRed } from '../red/embedded-red';
import { partialPath, SINK_ID, SOURCE_ID, wavWriterFlow } from '../red/flows';
import { nextMessage } from '../red/next-message';

/**
 * Benchmark 3: audio-seconds written per CPU-second (user + system, all threads of this
 * process: Node-RED, wav-writer, libuv's file system threads, and the feeder making the
 * chunks) for 8 ch x 96 kHz x 32-bit, against `cat` copying the same bytes (the finished
 * file, from the page cache) into a new file, measured in the same run. Usage: throughput.ts <work dir>
 */
export interface ThroughputResult {
  audioSeconds: number;
  audioBytes: number;
  cpuSeconds: number;
  wallSeconds: number;
  peakInFlightBytes: number;
  /** cat's median cost over CAT_RUNS copies. */
  catSeconds: number;
  catMeasured: 'cpu' | 'wall';
  problems: string[];
}

const TAKE: TakeSpec = {
  session: 'bench-throughput',
  filename: 'throughput.wav',
  format: { sampleRate: 96000, channels: 8, bitDepth: 32, encoding: 'signed' },
  seconds: 300,
  chunkMs: 100,
};
const MAX_IN_FLIGHT_BYTES = 1 << 20;
const CAT_RUNS = 3;

async function measure(workDir: string): Promise<ThroughputResult> {
  const directory = join(workDir, 'recordings');
  mkdirSync(directory, { recursive: true });
  const red = await EmbeddedRed.start(join(workDir, 'user'), wavWriterFlow(directory));
  let path: string;
  let cpuSeconds: number;
  let wallSeconds: number;
  let peakInFlightBytes: number;
  try {
    const file = new PartialFileProgress(partialPath(directory, TAKE.filename));
    const feeder = new Feeder(red.node<BenchPortNode>(SOURCE_ID), () => file.landedBytes(), MAX_IN_FLIGHT_BYTES);
    const finished = nextMessage(red.node<BenchPortNode>(SINK_ID), 300_000);
    progress(`throughput: ${TAKE.seconds} s of 8 ch x 96 kHz x 32-bit through wav-writer`);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (const msg of takeChunks(TAKE)) await feeder.send(msg);
    path = String((await finished).payload);
    const cpu = process.cpuUsage(cpuBefore);
    wallSeconds = (performance.now() - started) / 1000;
    cpuSeconds = (cpu.user + cpu.system) / 1e6;
    peakInFlightBytes = feeder.peakInFlightBytes;
  } finally {
    await red.stop();
  }
  const problems = verifyTake(path, TAKE);

  progress(`throughput: cat of the same ${(takeBytes(TAKE) / 1e6).toFixed(0)} MB, ${CAT_RUNS} times`);
  const copy = join(workDir, 'cat-copy.wav');
  const costs = [];
  for (let run = 0; run < CAT_RUNS; run++) {
    costs.push(catCost(path, copy));
    rmSync(copy);
  }
  rmSync(path);
  return {
    audioSeconds: TAKE.seconds,
    audioBytes: takeBytes(TAKE),
    cpuSeconds,
    wallSeconds,
    peakInFlightBytes,
    catSeconds: median(costs.map((cost) => cost.seconds)),
    catMeasured: costs[0]!.measured,
    problems,
  };
}

const [workDir] = process.argv.slice(2);
if (!workDir) throw new Error('usage: throughput.ts <work dir>');
runCase(() => measure(workDir));
