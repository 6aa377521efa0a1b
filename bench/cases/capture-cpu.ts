import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NodeMessage } from 'node-red';
import { CPU_DEVICE, cpuDeviceConfig, cpuDeviceFrames, cpuDeviceInfile } from '../alsa/cpu-device';
import { verifyCapture } from '../audio/verify-capture';
import { runCase } from '../lib/case-runner';
import { progress } from '../lib/log';
import { childPids, reapedChildrenCpuSeconds } from '../measure/children-cpu';
import type { BenchPortNode } from '../red/bench-node-types';
import { EmbeddedRed } from '../red/embedded-red';
import { ERRORS_ID, micInFlow, SINK_ID, SOURCE_ID } from '../red/flows';
import { nextMessage } from '../red/next-message';

/**
 * Benchmark 4, one mode per process: the CPU a recording costs, 8 ch x 96 kHz x S32_LE,
 * captured from an unpaced regular-file stand-in (CPU_DEVICE, 60 s of audio) as fast as the
 * path takes it. Usage: capture-cpu.ts arecord|portaudio|reference <device dir> <work dir>
 *
 * - arecord / portaudio: mic-in (that backend, its default period, bufferMs 1000, chunkMs 100,
 *   maxDuration = the file's length) -> wav-writer in the embedded Node-RED. A 1 s warm-up
 *   take first (not measured), then TAKES measured takes. A take's CPU is this process's
 *   process.cpuUsage() delta (all its threads: Node-RED, the nodes, libuv's pool, PortAudio's
 *   thread) from the start message until the finished message has arrived and the device is
 *   released, PLUS the CPU of the arecord child (reaped children's CPU, see
 *   reapedChildrenCpuSeconds; the window closes only once arecord has been reaped).
 * - reference: `arecord -D <device> -f S32_LE -r 96000 -c 8 -s <frames> <file.wav>`, arecord
 *   writing the WAV itself, TAKES times; its CPU is counted the same way (reaped child).
 * Every file is checked (frames, size, every byte against the device's file), then deleted.
 */
export type CaptureCpuMode = 'arecord' | 'portaudio' | 'reference';

export interface CpuTake {
  /** This process's CPU in the window (0 for the reference, which is arecord alone). */
  processSeconds: number;
  /** CPU of the children reaped in the window: arecord. */
  childSeconds: number;
  wallSeconds: number;
}

export interface CaptureCpuResult {
  mode: CaptureCpuMode;
  audioSeconds: number;
  takes: CpuTake[];
  problems: string[];
}

const TAKES = 3;
const WARMUP_SECONDS = 1;
/** After the finished message: PortAudio's quit() takes about 20 ms; nothing else runs. */
const SETTLE_MS = 200;
const TAKE_TIMEOUT_MS = 120_000;
const REAP_TIMEOUT_MS = 10_000;

type FinishedMessage = NodeMessage & { recording?: { path: string; frames: number; dropped: number; reason: string } };

function reference(infile: string, workDir: string): CaptureCpuResult {
  const frames = cpuDeviceFrames();
  const { sampleRate, channels } = CPU_DEVICE.layout;
  const result: CaptureCpuResult = { mode: 'reference', audioSeconds: CPU_DEVICE.seconds, takes: [], problems: [] };
  for (let take = 1; take <= TAKES; take++) {
    const out = join(workDir, `reference-${take}.wav`);
    const args = ['-D', CPU_DEVICE.name, '-f', CPU_DEVICE.sampleFormat, '-r', String(sampleRate), '-c', String(channels), '-s', String(frames), out];
    const childBefore = reapedChildrenCpuSeconds();
    const began = performance.now();
    const run = spawnSync('arecord', args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const wallSeconds = (performance.now() - began) / 1000;
    const childSeconds = reapedChildrenCpuSeconds() - childBefore;
    if (run.status !== 0) throw new Error(`arecord ${args.join(' ')} failed (${run.error?.message ?? `exit ${run.status}`}): ${run.stderr}`);
    result.takes.push({ processSeconds: 0, childSeconds, wallSeconds });
    result.problems.push(...verifyCapture(out, infile, CPU_DEVICE.layout, frames).map((problem) => `reference take ${take}: ${problem}`));
    rmSync(out);
    progress(`capture CPU, reference arecord -> WAV #${take}: ${childSeconds.toFixed(2)} CPU-s, ${wallSeconds.toFixed(2)} s wall`);
  }
  return result;
}

/** Until arecord has ended and been reaped, so its CPU is in reapedChildrenCpuSeconds(). */
async function arecordReaped(): Promise<void> {
  const deadline = performance.now() + REAP_TIMEOUT_MS;
  while (childPids('arecord').length > 0) {
    if (performance.now() > deadline) throw new Error(`arecord still running ${REAP_TIMEOUT_MS} ms after the recording finished`);
    await sleep(10);
  }
}

async function ours(backend: 'arecord' | 'portaudio', infile: string, workDir: string): Promise<CaptureCpuResult> {
  const directory = join(workDir, 'recordings');
  mkdirSync(directory, { recursive: true });
  const frames = cpuDeviceFrames();
  const { sampleRate, channels } = CPU_DEVICE.layout;
  const mic = {
    source: 'alsa',
    backend,
    device: CPU_DEVICE.name,
    sampleRate: String(sampleRate),
    channels: String(channels),
    sampleFormat: CPU_DEVICE.sampleFormat,
    chunkMs: '100',
    maxDuration: String(CPU_DEVICE.seconds),
    bufferMs: '1000',
  };
  const result: CaptureCpuResult = { mode: backend, audioSeconds: CPU_DEVICE.seconds, takes: [], problems: [] };
  const red = await EmbeddedRed.start(join(workDir, 'user'), micInFlow(mic, directory));
  try {
    const control = red.node<BenchPortNode>(SOURCE_ID);
    const sink = red.node<BenchPortNode>(SINK_ID);
    const errors: string[] = [];
    red.node<BenchPortNode>(ERRORS_ID).listener = (msg) => errors.push(String((msg as { error?: { message?: string } }).error?.message));

    const warmUp = nextMessage(sink, TAKE_TIMEOUT_MS);
    control.send({ payload: 'start', maxDuration: WARMUP_SECONDS });
    rmSync(String((await warmUp).payload));
    if (backend === 'arecord') await arecordReaped();
    await sleep(SETTLE_MS);

    for (let take = 1; take <= TAKES; take++) {
      const finished = nextMessage(sink, TAKE_TIMEOUT_MS);
      const childBefore = reapedChildrenCpuSeconds();
      const cpuBefore = process.cpuUsage();
      const began = performance.now();
      control.send({ payload: 'start' });
      const done = (await finished) as FinishedMessage;
      if (backend === 'arecord') await arecordReaped();
      await sleep(SETTLE_MS);
      const cpu = process.cpuUsage(cpuBefore);
      const childSeconds = reapedChildrenCpuSeconds() - childBefore;
      const wallSeconds = (performance.now() - began - SETTLE_MS) / 1000;
      const processSeconds = (cpu.user + cpu.system) / 1e6;
      result.takes.push({ processSeconds, childSeconds, wallSeconds });

      const label = `${backend} take ${take}`;
      const recording = done.recording;
      if (!recording) result.problems.push(`${label}: the finished message has no msg.recording`);
      else {
        if (recording.frames !== frames) result.problems.push(`${label}: msg.recording.frames is ${recording.frames}, expected ${frames}`);
        if (recording.dropped !== 0) result.problems.push(`${label}: msg.recording.dropped is ${recording.dropped}`);
        if (recording.reason !== 'max-duration') result.problems.push(`${label}: ended with reason ${recording.reason}`);
      }
      const path = String(done.payload);
      result.problems.push(...verifyCapture(path, infile, CPU_DEVICE.layout, frames).map((problem) => `${label}: ${problem}`));
      rmSync(path, { force: true });
      progress(
        `capture CPU, mic-in (${backend}) -> wav-writer #${take}: ${processSeconds.toFixed(2)} CPU-s Node-RED + ${childSeconds.toFixed(2)} CPU-s child, ${wallSeconds.toFixed(2)} s wall`,
      );
    }
    result.problems.push(...errors.map((error) => `${backend}: flow error: ${error}`));
    return result;
  } finally {
    await red.stop();
  }
}

const [mode, deviceDir, workDir] = process.argv.slice(2);
if (!workDir || !deviceDir || !(mode === 'arecord' || mode === 'portaudio' || mode === 'reference')) {
  throw new Error('usage: capture-cpu.ts arecord|portaudio|reference <device dir> <work dir>');
}
// Before anything opens ALSA: arecord inherits it, PortAudio reads it when it initializes.
process.env.ALSA_CONFIG_PATH = cpuDeviceConfig(deviceDir);
const infile = cpuDeviceInfile(deviceDir);
runCase(async () => (mode === 'reference' ? reference(infile, workDir) : ours(mode, infile, workDir)));
