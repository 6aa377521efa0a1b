import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';

// The part of naudiodon 2.3 this project uses, typed here rather than imported from the
// package, so the project still compiles where naudiodon could not be installed.

export interface NaudiodonDevice {
  id: number;
  name: string;
  /** 0 when PortAudio could not open the device's capture side (busy, or playback only). */
  maxInputChannels: number;
  defaultSampleRate: number;
}

export interface NaudiodonSampleFormats {
  SampleFormat16Bit: number;
  SampleFormat24Bit: number;
  SampleFormat32Bit: number;
  SampleFormatFloat32: number;
}

export interface NaudiodonInputOptions {
  /** An index into getDevices(); -1 for PortAudio's default input. */
  deviceId: number;
  sampleRate: number;
  channelCount: number;
  sampleFormat: number;
  /** Frames PortAudio hands over at a time. */
  framesPerBuffer: number;
  /** Buffers of framesPerBuffer held for the reader before PortAudio's thread waits. */
  maxQueue: number;
  /** Bytes the stream reads at a time. */
  highwaterMark: number;
  /** true ends the stream at the first PortAudio status flag (an overflow, say); false only prints it. */
  closeOnError: boolean;
}

/** A capture stream: a Readable of raw PCM that PortAudio starts and quits. */
export interface NaudiodonInput extends Readable {
  start(): void;
  /** Stops and closes the PortAudio stream; the callback runs once the device is released. */
  quit(callback: () => void): void;
}

export interface Naudiodon extends NaudiodonSampleFormats {
  getDevices(): NaudiodonDevice[];
  AudioIO(options: { inOptions: NaudiodonInputOptions }): NaudiodonInput;
}

const requireHere = createRequire(__filename);
let loaded: Naudiodon | Error | undefined;

/**
 * naudiodon, loaded on first use, or why it cannot be (it is an optional dependency: it does
 * not build on 64-bit ARM, where the arecord backend is used). Never throws; the outcome is kept.
 */
export function loadNaudiodon(): Naudiodon | Error {
  loaded ??= attemptLoad();
  return loaded;
}

function attemptLoad(): Naudiodon | Error {
  try {
    const entry = requireHere.resolve('naudiodon');
    return withoutCrashHandler(entry, () => requireHere(entry) as Naudiodon);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return new Error(`naudiodon (PortAudio capture) cannot be loaded: ${reason}`, { cause: err });
  }
}

/**
 * Loading naudiodon calls segfault-handler's registerHandler("crash.log"), which installs a
 * process-wide SIGSEGV handler. V8 relies on SIGSEGV itself: a WebAssembly out-of-bounds access
 * faults on a guard page and V8's handler turns it into a catchable RuntimeError. The foreign
 * handler gets the signal first and ends the process (leaving crash.log in the working
 * directory), so any flow using WebAssembly could take Node-RED down. While naudiodon loads, a
 * do-nothing segfault-handler (resolved where naudiodon resolves it) stands in the require
 * cache; whatever was cached there before is put back afterwards.
 */
function withoutCrashHandler<T>(naudiodonEntry: string, load: () => T): T {
  const handlerPath = requireHere.resolve('segfault-handler', { paths: [dirname(naudiodonEntry)] });
  const cache = requireHere.cache;
  const previous = cache[handlerPath];
  const standIn = new Module(handlerPath);
  standIn.filename = handlerPath;
  standIn.loaded = true;
  standIn.exports = { registerHandler: () => undefined };
  cache[handlerPath] = standIn;
  try {
    return load();
  } finally {
    if (previous) cache[handlerPath] = previous;
    else Reflect.deleteProperty(cache, handlerPath);
  }
}
