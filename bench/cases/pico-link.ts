import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeMessage } from 'node-red';
import type { DeviceStatus } from '../../src/lib/pico/device-messages';
import type { PicoLink } from '../../src/lib/pico/pico-link';
import { readWavInfo } from '../../src/lib/wav/header';
import type { PicoDeviceApi } from '../../src/nodes/pico-device/pico-device-api';
import { patternSample, startPicoSimulation } from '../../test/support/pico-sim/index';
import { waitFor } from '../../test/support/wait';
import { runCase } from '../lib/case-runner';
import { progress } from '../lib/log';
import type { BenchPortNode } from '../red/bench-node-types';
import { EmbeddedRed } from '../red/embedded-red';
import { ERRORS_ID, micInFlow, SINK_ID, SOURCE_ID } from '../red/flows';
import { nextMessage } from '../red/next-message';

/**
 * Benchmark 7, one sample rate per process: the Pico path end to end. The project's firmware runs
 * on the simulated Pico (MicroPython under WebAssembly, test/support/pico-sim) SPEED times faster
 * than real time, streaming over a socat pty that pico-device opens with serialport; mic-in (source
 * pico, no conversion, maxDuration AUDIO_SECONDS) records into wav-writer in the embedded Node-RED.
 * Counted: CRC failures and frames missing on the link (by sequence number), samples filled with
 * silence, loss on the Pico itself (its ring buffer, from the simulation and the status frames);
 * every sample of the WAV is checked against the simulated microphone. The firmware's status frames
 * give its time per audio frame (readinto returning to the last byte written) on the simulated
 * clock: against the frame period, that is the share of the Pico's CPU budget the firmware uses,
 * as far as the WebAssembly port stands in for an RP2040 (see the notes).
 * Usage: pico-link.ts <sample rate> <work dir>
 */
export interface PicoLinkResult {
  sampleRate: number;
  speed: number;
  audioSeconds: number;
  samplesPerFrame: number;
  wallSeconds: number;
  framesRecorded: number;
  crcFailures: number;
  framesMissing: number;
  bytesSkipped: number;
  droppedSamples: number;
  /** Samples the Pico's I2S ring lost (the firmware fell behind): from the simulation. */
  picoOverrunSamples: number;
  statusReports: number;
  frameAvgUs: number;
  frameMaxUs: number;
  problems: string[];
}

export const PICO_AUDIO_SECONDS = 60;
/** Simulated time per real time: fast enough for a short run, slow enough that the simulation keeps up (no I2S overruns). */
const SPEED: Record<number, number> = { 22050: 4, 48000: 2 };
const SAMPLES_PER_FRAME = 512;
const PICO_ID = 'bench-pico';
const CONNECT_TIMEOUT_MS = 20_000;

type FinishedMessage = NodeMessage & { recording?: { path: string; frames: number; dropped: number; reason: string } };

async function measure(sampleRate: number, workDir: string): Promise<PicoLinkResult> {
  const speed = SPEED[sampleRate] ?? 2;
  const problems: string[] = [];
  const sim = await startPicoSimulation({ dir: join(workDir, 'pty'), rate: sampleRate, speed, ticksMsStart: 0, ticksUsStart: 0 });
  const directory = join(workDir, 'recordings');
  const mic = { source: 'pico', pico: PICO_ID, sampleRate: String(sampleRate), chunkMs: '100', maxDuration: String(PICO_AUDIO_SECONDS) };
  const red = await EmbeddedRed.start(join(workDir, 'user'), [
    { id: PICO_ID, type: 'pico-device', name: 'pico', port: sim.hostPath, baud: '115200', firmware: 'warn' },
    ...micInFlow(mic, directory),
  ]);
  try {
    const device = red.node(PICO_ID) as unknown as PicoDeviceApi;
    await waitFor(() => (device.status().state === 'connected' ? true : undefined), 'the simulated Pico to connect', CONNECT_TIMEOUT_MS);
    const link = device.link() as PicoLink;
    const statuses: DeviceStatus[] = [];
    link.on('status', (status) => statuses.push(status));
    const errors: string[] = [];
    red.node<BenchPortNode>(ERRORS_ID).listener = (msg) => errors.push(String((msg as { error?: { message?: string } }).error?.message));
    const before = { ...link.stats };
    const eventsBefore = sim.events.length;

    progress(`pico link ${sampleRate} Hz: ${PICO_AUDIO_SECONDS} s of audio from the simulated Pico at ${speed}x real time`);
    const finished = nextMessage(red.node<BenchPortNode>(SINK_ID), ((PICO_AUDIO_SECONDS * 1000) / speed) * 3 + 10_000);
    const began = performance.now();
    red.node<BenchPortNode>(SOURCE_ID).send({ payload: 'start' });
    const done = (await finished) as FinishedMessage;
    const wallSeconds = (performance.now() - began) / 1000;
    const after = link.stats;

    const recording = done.recording;
    const frames = PICO_AUDIO_SECONDS * sampleRate;
    if (!recording) problems.push('the finished message has no msg.recording');
    else {
      if (recording.frames !== frames) problems.push(`msg.recording.frames is ${recording.frames}, expected ${frames}`);
      if (recording.reason !== 'max-duration') problems.push(`ended with reason ${recording.reason}`);
      problems.push(...(await microphoneMismatch(recording.path, frames, sampleRate)));
      rmSync(recording.path, { force: true });
    }
    problems.push(...errors.map((error) => `flow error: ${error}`));
    const overruns = sim.events.slice(eventsBefore).filter((event) => event.type === 'i2s-overrun');
    const measured = statuses.filter((status) => status.frameAvgUs > 0);
    return {
      sampleRate,
      speed,
      audioSeconds: PICO_AUDIO_SECONDS,
      samplesPerFrame: SAMPLES_PER_FRAME,
      wallSeconds,
      framesRecorded: recording?.frames ?? 0,
      crcFailures: after.crcFailures - before.crcFailures,
      framesMissing: after.framesMissing - before.framesMissing,
      bytesSkipped: after.bytesSkipped - before.bytesSkipped,
      droppedSamples: recording?.dropped ?? 0,
      picoOverrunSamples: overruns.reduce((sum, event) => sum + ('lost' in event ? event.lost : 0), 0),
      statusReports: measured.length,
      frameAvgUs: measured.length ? measured.reduce((sum, status) => sum + status.frameAvgUs, 0) / measured.length : 0,
      frameMaxUs: Math.max(0, ...measured.map((status) => status.frameMaxUs)),
      problems,
    };
  } finally {
    await red.stop();
    await sim.close();
  }
}

/** Every sample of the WAV against the simulated microphone: sample n is patternSample(n) at the top of 32 bits. */
async function microphoneMismatch(path: string, frames: number, sampleRate: number): Promise<string[]> {
  const info = await readWavInfo(path);
  if (info.format.bitDepth !== 32 || info.format.validBits !== 18) return [`the WAV is ${info.format.bitDepth}-bit (${info.format.validBits ?? '-'} valid), expected 32-bit with 18 valid bits`];
  const data = readFileSync(path).subarray(info.dataOffset);
  if (data.length !== frames * 4) return [`the WAV holds ${data.length / 4} samples, expected ${frames}`];
  for (let n = 0; n < frames; n++) {
    const expected = patternSample(n, sampleRate) * 2 ** 14;
    if (data.readInt32LE(n * 4) !== expected) return [`sample ${n} is ${data.readInt32LE(n * 4)}, the microphone gave ${expected}`];
  }
  return [];
}

const [rateArg, workDir] = process.argv.slice(2);
const sampleRate = Number(rateArg);
if (!workDir || !(sampleRate in SPEED)) throw new Error(`usage: pico-link.ts ${Object.keys(SPEED).join('|')} <work dir>`);
runCase(() => measure(sampleRate, workDir));
