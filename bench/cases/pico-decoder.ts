import { EventEmitter } from 'node:events';
import { crc32 } from 'node:zlib';
import { runCase } from '../lib/case-runner';
import { collectGarbage } from '../lib/gc';
import { progress } from '../lib/log';
import { median } from '../lib/stats';
import { LinkFrameDecoder } from '../../src/lib/pico/frame-decoder';
import { DeviceFrameType, HostFrameType } from '../../src/lib/pico/frame-types';
import { encodeFrame, OFFSET } from '../../src/lib/pico/link-frame';
import { PicoAudioSource } from '../../src/lib/pico/pico-audio-source';
import { helloPayload } from '../../test/support/pico-device';

/**
 * Benchmark 6: the host side of the Pico link. A pre-encoded stream of 48 kHz SPH0645 audio
 * (512-sample frames, as the firmware sends by default, and a status frame a second) is fed in
 * 4 KiB slices, as a serial port delivers it, to the frame decoder alone and to the whole
 * PicoAudioSource (decoder, timeline, slot decoding). The reference is zlib.crc32 over the same
 * bytes in the same slices: the floor, since the decoder must CRC every byte. Usage: pico-decoder.ts [work dir, unused]
 */
export interface PicoDecoderResult {
  streamBytes: number;
  audioSeconds: number;
  framesSent: number;
  runs: number;
  /** Median wall seconds per pass over the whole stream. */
  decoderSeconds: number;
  sourceSeconds: number;
  crcSeconds: number;
  problems: string[];
}

const SAMPLE_RATE = 48000;
const SAMPLES_PER_FRAME = 512;
const AUDIO_SECONDS = 120;
const SLICE_BYTES = 4096;
const RUNS = 7;

function encodedStream(): { bytes: Buffer; frames: number; samples: number } {
  const pieces: Buffer[] = [];
  let seed = 1;
  let seq = 0;
  const total = AUDIO_SECONDS * SAMPLE_RATE;
  for (let sample = 0; sample < total; sample += SAMPLES_PER_FRAME) {
    const slots = Buffer.alloc(SAMPLES_PER_FRAME * 4);
    for (let i = 0; i < SAMPLES_PER_FRAME; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      // An SPH0645's offset plus noise, 18 bits at the top of the slot.
      slots.writeInt32LE((-9000 + ((seed >>> 14) % 4001) - 2000) * 2 ** 14, i * 4);
    }
    pieces.push(encodeFrame({ type: DeviceFrameType.audio, seq: seq++, sample, ticks: Math.floor((sample * 1000) / SAMPLE_RATE), payload: slots }));
    if ((sample / SAMPLES_PER_FRAME) % 94 === 93) {
      pieces.push(encodeFrame({ type: DeviceFrameType.status, seq: seq++, sample: 0, ticks: 0, payload: Buffer.alloc(32) }));
    }
  }
  return { bytes: Buffer.concat(pieces), frames: seq, samples: total };
}

function slicesOf(bytes: Buffer): Buffer[] {
  const slices: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += SLICE_BYTES) slices.push(bytes.subarray(at, at + SLICE_BYTES));
  return slices;
}

function timed(body: () => void): number {
  collectGarbage();
  const started = performance.now();
  body();
  return (performance.now() - started) / 1000;
}

/** A byte link the benchmark pushes into directly, answering start with the stream's hello. */
class BenchLink extends EventEmitter<{ data: [Buffer]; close: [] }> {
  write(bytes: Buffer): boolean {
    if (bytes[OFFSET.type] !== HostFrameType.start) return true;
    const hello = helloPayload({ sampleRate: SAMPLE_RATE, streaming: true, samplesPerFrame: SAMPLES_PER_FRAME });
    queueMicrotask(() => this.emit('data', encodeFrame({ type: DeviceFrameType.hello, seq: 0, sample: 0, ticks: 0, payload: hello })));
    return true;
  }
}

async function measure(): Promise<PicoDecoderResult> {
  progress(`pico decoder: encoding ${AUDIO_SECONDS} s of 48 kHz SPH0645 frames`);
  const stream = encodedStream();
  const slices = slicesOf(stream.bytes);
  const problems: string[] = [];
  const decoderRuns: number[] = [];
  const sourceRuns: number[] = [];
  const crcRuns: number[] = [];
  progress(`pico decoder: ${(stream.bytes.length / 1e6).toFixed(1)} MB in ${SLICE_BYTES}-byte slices, ${RUNS} runs each`);
  for (let run = 0; run < RUNS; run++) {
    let crc = 0;
    crcRuns.push(timed(() => {
      for (const slice of slices) crc = crc32(slice, crc);
    }));

    let frames = 0;
    const decoder = new LinkFrameDecoder(() => frames++);
    decoderRuns.push(timed(() => {
      for (const slice of slices) decoder.push(slice);
    }));
    if (frames !== stream.frames) problems.push(`decoder found ${frames} frames of ${stream.frames}`);

    const link = new BenchLink();
    const source = new PicoAudioSource({ link, device: 'bench', sampleRate: SAMPLE_RATE });
    await source.open();
    let samples = 0;
    source.on('data', (pcm) => (samples += pcm.length / 4));
    source.start();
    sourceRuns.push(timed(() => {
      for (const slice of slices) link.emit('data', slice);
    }));
    await source.close();
    if (samples !== stream.samples) problems.push(`source delivered ${samples} samples of ${stream.samples}`);
  }
  return {
    streamBytes: stream.bytes.length,
    audioSeconds: AUDIO_SECONDS,
    framesSent: stream.frames,
    runs: RUNS,
    decoderSeconds: median(decoderRuns),
    sourceSeconds: median(sourceRuns),
    crcSeconds: median(crcRuns),
    problems: [...new Set(problems)],
  };
}

runCase(measure);
