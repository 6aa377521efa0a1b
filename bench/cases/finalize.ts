import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chunkFrames, takeChunks, type TakeSpec } from '../audio/chunk-stream';
import { verifyTake } from '../audio/verify-take';
import { Feeder } from '../feed/feeder';
import { PartialFileProgress } from '../feed/partial-file-progress';
import { runCase } from '../lib/case-runner';
import { progress } from '../lib/log';
import { syncDirectory } from '../../src/lib/recording/publish';
import type { BenchPortNode } from '../red/bench-node-types';
import { EmbeddedRed } from '../red/embedded-red';
import { partialPath, SINK_ID, SOURCE_ID, wavWriterFlow } from '../red/flows';
import { nextMessage } from '../red/next-message';

/**
 * Benchmark 2: stop -> "recording finished" latency of wav-writer for a 10 s and a 1 h
 * recording of mono 48 kHz 16-bit, measured through Node-RED, repeated and interleaved
 * (10 s, 1 h, 10 s, ...) so drift on the machine hits both alike. Usage: finalize.ts <work dir>
 *
 * Each repetition sends all but the last second of audio as fast as the writer takes it,
 * waits until it is on disk and the periodic header refresh has synced it, then sends the
 * last second at real-time pace (10 chunks, 100 ms apart) and the end chunk. So at "stop"
 * the file is in the state a real recording is in: up to one refresh interval of audio
 * not yet synced. Without the wait, the latency of a fast-fed 1 h file would be the disk
 * writing back hundreds of MB of dirty page cache, a cost of the feed, not of finalizing.
 * The latency is from handing the end chunk to Node-RED to the finished message reaching
 * the node wired after wav-writer: it covers the last writes, the header, every fsync, the
 * rename into place and the directory sync.
 */
export interface FinalizeResult {
  label: string;
  seconds: number;
  latenciesMs: number[];
  peakInFlightBytes: number;
  problems: string[];
}

const FORMAT = { sampleRate: 48000, channels: 1, bitDepth: 16, encoding: 'signed' } as const;
const LENGTHS = [
  { label: '10 s', seconds: 10 },
  { label: '1 h', seconds: 3600 },
];
const REPETITIONS = 7;
const CHUNK_MS = 100;
const TAIL_SECONDS = 1;
const MAX_IN_FLIGHT_BYTES = 1 << 20;
const SETTLE_TIMEOUT_MS = 10_000;

/** Waits until the header on disk claims every byte sent: the periodic refresh has synced the data. */
async function settled(file: PartialFileProgress, bytes: number): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  while (file.claimedBytes() !== bytes) {
    if (Date.now() > deadline) throw new Error(`header of ${file.path} claims ${file.claimedBytes()} bytes, not ${bytes}, after ${SETTLE_TIMEOUT_MS} ms`);
    await sleep(5);
  }
}

/** Records one take and returns its stop -> finished latency in ms; the file is deleted after checking. */
async function recordOnce(red: EmbeddedRed, directory: string, take: TakeSpec, problems: string[], inFlight: { peak: number }): Promise<number> {
  const source = red.node<BenchPortNode>(SOURCE_ID);
  const file = new PartialFileProgress(partialPath(directory, take.filename));
  const feeder = new Feeder(source, () => file.landedBytes(), MAX_IN_FLIGHT_BYTES);
  const tailFrame = (take.seconds - TAIL_SECONDS) * take.format.sampleRate;
  let tailStart: number | undefined;
  let latencyMs = NaN;
  for (const msg of takeChunks(take)) {
    if (msg.audio.event === 'end') {
      await sleep(tailStart! + TAIL_SECONDS * 1000 - performance.now());
      const finished = nextMessage(red.node<BenchPortNode>(SINK_ID), 60_000);
      const stoppedAt = performance.now();
      source.send(msg);
      const done = await finished;
      latencyMs = performance.now() - stoppedAt;
      const path = String(done.payload);
      problems.push(...verifyTake(path, take).map((problem) => `${take.filename}: ${problem}`));
      // Deleted at once (345 MB per 1 h take) and the deletion committed, so the next take's fsyncs do not pay for it.
      rmSync(path);
      await syncDirectory(dirname(path));
    } else if (msg.audio.frame < tailFrame) {
      await feeder.send(msg);
    } else {
      if (tailStart === undefined) {
        await feeder.drain();
        await settled(file, feeder.sentBytes);
        tailStart = performance.now();
      }
      const due = tailStart + ((msg.audio.frame - tailFrame) / chunkFrames(take)) * CHUNK_MS;
      await sleep(due - performance.now());
      await feeder.send(msg);
    }
  }
  inFlight.peak = Math.max(inFlight.peak, feeder.peakInFlightBytes);
  return latencyMs;
}

async function measure(workDir: string): Promise<FinalizeResult[]> {
  const directory = join(workDir, 'recordings');
  mkdirSync(directory, { recursive: true });
  const red = await EmbeddedRed.start(join(workDir, 'user'), wavWriterFlow(directory));
  try {
    const results = LENGTHS.map(({ label, seconds }) => ({ label, seconds, latenciesMs: [] as number[], peakInFlightBytes: 0, problems: [] as string[] }));
    for (let rep = 1; rep <= REPETITIONS; rep++) {
      for (const result of results) {
        const take: TakeSpec = { session: `finalize-${result.seconds}-${rep}`, filename: `finalize-${result.seconds}s-${rep}.wav`, format: FORMAT, seconds: result.seconds, chunkMs: CHUNK_MS };
        const inFlight = { peak: result.peakInFlightBytes };
        const latency = await recordOnce(red, directory, take, result.problems, inFlight);
        result.peakInFlightBytes = inFlight.peak;
        result.latenciesMs.push(latency);
        progress(`finalize ${result.label} #${rep}: ${latency.toFixed(2)} ms`);
      }
    }
    return results;
  } finally {
    await red.stop();
  }
}

const [workDir] = process.argv.slice(2);
if (!workDir) throw new Error('usage: finalize.ts <work dir>');
runCase(() => measure(workDir));
