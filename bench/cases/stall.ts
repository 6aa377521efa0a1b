import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NodeMessage } from 'node-red';
import { type NaudiodonInputOptions, loadNaudiodon } from '../../src/lib/capture/alsa/naudiodon-loader';
import { micInSettings } from '../../src/nodes/mic-in/mic-in-settings';
import { checkCountingPattern, droppedWithin, type PatternCheck } from '../alsa/counting-pattern';
import { Pacer, type PacerReport } from '../alsa/pacer';
import { writeAlsaConfig } from '../alsa/stand-in';
import { readWavHead } from '../audio/wav-head';
import { EventLoopStaller, type LoopBlock } from '../feed/event-loop-stall';
import { runCase } from '../lib/case-runner';
import { progress } from '../lib/log';
import type { BenchPortNode, StallNode } from '../red/bench-node-types';
import { EmbeddedRed } from '../red/embedded-red';
import { ERRORS_ID, micInFlow, SINK_ID, SOURCE_ID, STALL_ID } from '../red/flows';
import { nextMessage } from '../red/next-message';

/**
 * Benchmark 5, one mode per process: does a recording survive the event loop of its
 * Node-RED being blocked for BLOCK_MS every EVERY_MS (a busy-wait in another node) without
 * losing audio? Usage: stall.ts arecord|portaudio|naudiodon-defaults <work dir>
 *
 * The device is a real-time sound card: a FIFO stand-in fed by pacer.py (own process) with a
 * counting pattern, 48 kHz stereo S16, one 20 ms period (3840 bytes, one atomic write) at a
 * time. A card has a ring buffer; what the reader does not take in time is lost once the ring
 * is full, and the pacer models exactly that: it writes a period only if the FIFO's unread
 * bytes leave room within `ring`, else drops it and counts it. The stand-in itself buffers
 * nothing (its null slave has no ring), so the ring is the pacer's, sized as the backend sizes
 * the card's buffer:
 * - arecord: --buffer-time = bufferMs (1000 ms by default; arecord gets exactly that from this
 *   device, 48000 frames). The arecord process is not stalled by Node-RED: it goes on reading
 *   and writing into its stdout, then blocks once that is full, and only then does the ring
 *   fill. Node makes a child's stdout a Unix socket pair, not a pipe: about 165 KB, 880 ms of
 *   this format (55 ms of 8 ch x 96 kHz x 32-bit, where the ring would have to do the rest).
 * - PortAudio: two periods. naudiodon asks for the device's default low latency, and PortAudio's
 *   ALSA host sets the card's buffer to about that (a few ms on a card, 0 on this stand-in) but
 *   never under two periods (pa_linux_alsa.c: periods_min 2, period = framesPerBuffer): so two
 *   periods, 40 ms. What absorbs a stall is naudiodon's queue, filled by PortAudio's thread,
 *   which the event loop's block does not stop.
 * The kernel's default 64 KiB pipe capacity (341 ms of this format) plays no part: the pipe is
 * resized beyond the ring (F_SETPIPE_SZ) and the ring, not the pipe, decides. The pacer runs
 * with real-time scheduling where allowed, so it keeps time like a card's clock on a busy machine.
 *
 * - arecord / portaudio: mic-in (that backend, periodMs 20, bufferMs and the rest at their
 *   defaults, maxDuration AUDIO_SECONDS) -> wav-writer in the embedded Node-RED, a bench-stall
 *   node blocking from the start command on. Lost = card frames missing between the WAV's
 *   first and last frame; also checked: no silence put in, nothing repeated, msg.recording.dropped 0.
 * - naudiodon-defaults: for comparison, naudiodon used as its README shows, in this process
 *   with the same blocks: maxQueue, closeOnError and highwaterMark left at naudiodon's defaults
 *   (2, true, 16384); framesPerBuffer is set to the period, as the stand-in needs whole-period
 *   reads. Captures until it has AUDIO_SECONDS of audio (or dies).
 */
export type StallMode = 'arecord' | 'portaudio' | 'naudiodon-defaults';

export interface StallResult {
  mode: StallMode;
  audioSeconds: number;
  sampleRate: number;
  periodFrames: number;
  /** mic-in's bufferMs (undefined for naudiodon's defaults). */
  bufferMs: number | undefined;
  ringBytes: number;
  bytesPerSecond: number;
  blocks: LoopBlock[];
  check: PatternCheck;
  pacer: Omit<PacerReport, 'dropped'> & { droppedPeriods: number };
  /** Card frames dropped on overrun within the stretch the capture covers. */
  droppedInCaptureFrames: number;
  recording: { frames: number; dropped: number; reason: string } | undefined;
  /** naudiodon-defaults: how the stream ended before it had its audio, if it did. */
  died: string | undefined;
  errors: string[];
  problems: string[];
}

const DEVICE = 'paced';
const SAMPLE_RATE = 48000;
const FRAME_BYTES = 4;
const PERIOD_MS = 20;
const PERIOD_FRAMES = (SAMPLE_RATE * PERIOD_MS) / 1000;
const PERIOD_BYTES = PERIOD_FRAMES * FRAME_BYTES;
const AUDIO_SECONDS = 10;
const BLOCK_MS = 500;
const EVERY_MS = 2000;
/** At least this many blocks must fall within the capture, or the run proves nothing. */
const MIN_BLOCKS = Math.floor(AUDIO_SECONDS * 1000 / EVERY_MS) - 1;
const QUIT_TIMEOUT_MS = 3000;
/** The card buffer PortAudio sets up for naudiodon: its minimum of two periods (see above). */
const PORTAUDIO_RING_PERIODS = 2;

type FinishedMessage = NodeMessage & { recording?: { path: string; frames: number; dropped: number; reason: string } };

interface Capture {
  pcm: Buffer;
  blocks: LoopBlock[];
  recording: StallResult['recording'];
  died: string | undefined;
  errors: string[];
  problems: string[];
}

function micConfig(backend: 'arecord' | 'portaudio'): Record<string, string> {
  return {
    source: 'alsa',
    backend,
    device: DEVICE,
    sampleRate: String(SAMPLE_RATE),
    channels: '2',
    sampleFormat: 'S16_LE',
    chunkMs: '100',
    maxDuration: String(AUDIO_SECONDS),
    // The stand-in needs reads of whole pacer periods; 20 ms is also mic-in's default.
    periodMs: String(PERIOD_MS),
  };
}

/** mic-in's buffer for this configuration, as the product reads it (its default when unset). */
function bufferMsOf(config: Record<string, string>): number {
  const settings = micInSettings(config);
  if (settings.source.kind !== 'alsa') throw new Error('expected an ALSA source');
  return settings.source.bufferMs;
}

/** The WAV's data, after checking what its header says. */
function readRecording(path: string, problems: string[]): Buffer {
  const head = readWavHead(path);
  if (!head) {
    problems.push(`${path}: no complete WAV header`);
    return Buffer.alloc(0);
  }
  if (head.channels !== 2 || head.sampleRate !== SAMPLE_RATE || head.bitDepth !== 16) {
    problems.push(`format ${head.channels} ch ${head.sampleRate} Hz ${head.bitDepth} bit, expected 2/${SAMPLE_RATE}/16`);
  }
  const size = statSync(path).size;
  if (size !== head.dataOffset + head.claimedDataBytes) problems.push(`file is ${size} bytes, its header claims ${head.dataOffset} + ${head.claimedDataBytes}`);
  const data = Buffer.alloc(Math.max(0, size - head.dataOffset));
  const fd = openSync(path, 'r');
  try {
    readSync(fd, data, 0, data.length, head.dataOffset);
  } finally {
    closeSync(fd);
  }
  return data;
}

async function throughMicIn(backend: 'arecord' | 'portaudio', workDir: string): Promise<Capture> {
  const directory = join(workDir, 'recordings');
  mkdirSync(directory, { recursive: true });
  const red = await EmbeddedRed.start(join(workDir, 'user'), micInFlow(micConfig(backend), directory, { blockMs: BLOCK_MS, everyMs: EVERY_MS }));
  try {
    const errors: string[] = [];
    red.node<BenchPortNode>(ERRORS_ID).listener = (msg) => errors.push(String((msg as { error?: { message?: string } }).error?.message));
    const stall = red.node<StallNode>(STALL_ID);
    const finished = nextMessage(red.node<BenchPortNode>(SINK_ID), AUDIO_SECONDS * 1000 + 30_000);
    red.node<BenchPortNode>(SOURCE_ID).send({ payload: 'start' });
    stall.begin();
    const done = (await finished) as FinishedMessage;
    stall.end();
    const problems: string[] = [];
    const path = String(done.payload);
    const pcm = readRecording(path, problems);
    rmSync(path, { force: true });
    const recording = done.recording && { frames: done.recording.frames, dropped: done.recording.dropped, reason: done.recording.reason };
    return { pcm, blocks: [...stall.blocks], recording, died: undefined, errors, problems };
  } finally {
    // Releases the device while the card still runs: PortAudio's quit() waits for a read of it.
    await red.stop();
  }
}

async function naudiodonDefaults(): Promise<Capture> {
  const naudiodon = loadNaudiodon();
  if (naudiodon instanceof Error) throw naudiodon;
  const device = naudiodon.getDevices().find((candidate) => candidate.name === DEVICE);
  if (!device) throw new Error(`PortAudio does not list ${DEVICE}`);
  // maxQueue, highwaterMark and closeOnError left out on purpose: naudiodon's defaults.
  const inOptions = { deviceId: device.id, sampleRate: SAMPLE_RATE, channelCount: 2, sampleFormat: naudiodon.SampleFormat16Bit, framesPerBuffer: PERIOD_FRAMES };
  const input = naudiodon.AudioIO({ inOptions: inOptions as NaudiodonInputOptions });
  const staller = new EventLoopStaller(BLOCK_MS, EVERY_MS);
  const wanted = AUDIO_SECONDS * SAMPLE_RATE * FRAME_BYTES;
  const chunks: Buffer[] = [];
  let received = 0;
  let died: string | undefined;
  let over = false;
  await new Promise<void>((resolve) => {
    const finish = (why?: string): void => {
      if (over) return; // what quit() causes later is not a death
      over = true;
      died = why;
      clearTimeout(timer);
      resolve();
    };
    // Losing a fifth of the audio, it needs longer than AUDIO_SECONDS to get AUDIO_SECONDS of it.
    const timer = setTimeout(() => finish(`had ${(received / FRAME_BYTES / SAMPLE_RATE).toFixed(1)} s of audio after ${2 * AUDIO_SECONDS} s`), 2 * AUDIO_SECONDS * 1000);
    input.on('data', (bytes: Buffer) => {
      if (over) return;
      chunks.push(bytes);
      received += bytes.length;
      if (received >= wanted) finish();
    });
    input.on('error', (err: Error) => finish(`error: ${err.message}`));
    input.on('close', () => finish('the stream closed'));
    input.start();
    staller.start();
  });
  staller.stop();
  const quit = new Promise<boolean>((resolve) => input.quit(() => resolve(true)));
  const quitInTime = await Promise.race([quit, sleep(QUIT_TIMEOUT_MS).then(() => false)]);
  const problems = quitInTime ? [] : [`naudiodon's quit() did not return within ${QUIT_TIMEOUT_MS} ms`];
  return { pcm: Buffer.concat(chunks).subarray(0, wanted), blocks: staller.blocks, recording: undefined, died, errors: [], problems };
}

async function measure(mode: StallMode, workDir: string): Promise<StallResult> {
  const fifo = join(workDir, `${DEVICE}.fifo`);
  execFileSync('mkfifo', [fifo]);
  const config = join(workDir, 'asoundrc');
  writeAlsaConfig(config, [{ name: DEVICE, infile: fifo }]);
  // Before anything opens ALSA: arecord inherits it, PortAudio reads it when it initializes.
  process.env.ALSA_CONFIG_PATH = config;
  const bufferMs = mode === 'naudiodon-defaults' ? undefined : bufferMsOf(micConfig(mode));
  const ringBytes = mode === 'arecord' ? Math.round((bufferMs! * SAMPLE_RATE) / 1000 / PERIOD_FRAMES) * PERIOD_BYTES : PORTAUDIO_RING_PERIODS * PERIOD_BYTES;

  progress(`stall, ${mode}: ${AUDIO_SECONDS} s of 48 kHz stereo s16, the event loop blocked ${BLOCK_MS} ms every ${EVERY_MS} ms, card ring ${((ringBytes / FRAME_BYTES / SAMPLE_RATE) * 1000).toFixed(0)} ms`);
  const pacer = await Pacer.start(fifo, { sampleRate: SAMPLE_RATE, frameBytes: FRAME_BYTES, periodFrames: PERIOD_FRAMES, ringBytes });
  let capture: Capture;
  let report: PacerReport;
  try {
    capture = mode === 'naudiodon-defaults' ? await naudiodonDefaults() : await throughMicIn(mode, workDir);
    report = await pacer.stop();
  } finally {
    pacer.kill();
  }

  const check = checkCountingPattern(capture.pcm, FRAME_BYTES);
  const problems = [...capture.problems];
  const frames = AUDIO_SECONDS * SAMPLE_RATE;
  if (check.frames !== frames) problems.push(`${check.frames} frames captured, expected ${frames}`);
  if (check.missing > 0) problems.push(`${check.missing} card frames missing in ${check.gaps} gap(s)`);
  if (check.silence > 0) problems.push(`${check.silence} frames of silence put in`);
  if (check.repeated > 0) problems.push(`${check.repeated} frames repeated or out of order`);
  if (capture.recording) {
    if (capture.recording.dropped !== 0) problems.push(`msg.recording.dropped is ${capture.recording.dropped}`);
    if (capture.recording.reason !== 'max-duration') problems.push(`the recording ended with reason ${capture.recording.reason}`);
    if (capture.recording.frames !== frames) problems.push(`msg.recording.frames is ${capture.recording.frames}`);
  }
  problems.push(...capture.errors.map((error) => `flow error: ${error}`));
  if (capture.died) problems.push(`capture ended early: ${capture.died}`);
  if (capture.blocks.length < MIN_BLOCKS) problems.push(`only ${capture.blocks.length} event-loop blocks happened during the capture`);
  if (!report.started) problems.push('the capture never read from the card');

  const { dropped, ...pacerRest } = report;
  const result: StallResult = {
    mode,
    audioSeconds: AUDIO_SECONDS,
    sampleRate: SAMPLE_RATE,
    periodFrames: PERIOD_FRAMES,
    bufferMs,
    ringBytes,
    bytesPerSecond: SAMPLE_RATE * FRAME_BYTES,
    blocks: capture.blocks,
    check,
    pacer: { ...pacerRest, droppedPeriods: dropped.length },
    droppedInCaptureFrames: droppedWithin(check, dropped, PERIOD_FRAMES),
    recording: capture.recording,
    died: capture.died,
    errors: capture.errors,
    problems,
  };
  progress(`stall, ${mode}: ${check.missing} frames lost in ${check.gaps} gap(s), ${capture.blocks.length} blocks, ring peak ${report.peakFillBytes} bytes`);
  return result;
}

const [mode, workDir] = process.argv.slice(2);
if (!workDir || !(mode === 'arecord' || mode === 'portaudio' || mode === 'naudiodon-defaults')) {
  throw new Error('usage: stall.ts arecord|portaudio|naudiodon-defaults <work dir>');
}
runCase(() => measure(mode, workDir));
