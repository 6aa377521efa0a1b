import { EventEmitter } from 'node:events';
import { assertFormat, AudioFormat, bytesPerFrame } from '../../audio/format';
import { SourceInfo } from '../../contract/audio-chunk';
import { AudioSource, AudioSourceEvents, SourceFailure } from '../audio-source';
import { FrameAligner } from '../frame-aligner';
import { DeviceBusyError, retryWhileBusy } from './busy-retry';
import { DeliveryWatchdog } from './delivery-watchdog';
import { loadNaudiodon, Naudiodon, NaudiodonInput, NaudiodonSampleFormats } from './naudiodon-loader';
import { OverflowDetector } from './overflow-detector';
import { captureDeviceId } from './portaudio-devices';
import { naudiodonSampleFormat } from './portaudio-sample-format';

export { listPortAudioCaptureDevices } from './portaudio-devices';
export type { PortAudioCaptureDevice } from './portaudio-devices';

export interface PortAudioSourceOptions {
  /** ALSA PCM name (default, a PCM from asoundrc) or PortAudio's name for a card; hw:C,D finds the card. */
  device: string;
  format: AudioFormat;
  /** Audio arrives in pieces of this length. */
  periodMs: number;
  /** How long a stall of this process the capture absorbs before audio is lost. */
  bufferMs: number;
}

/** Besides a period or two in flight, how late audio may arrive before the lag is suspect. */
const SCHEDULING_SLACK_MS = 20;
/** No audio for this long (or four buffers, if longer) means the device is gone. */
const MIN_SILENCE_LIMIT_MS = 2000;

/**
 * Captures through naudiodon (PortAudio's ALSA host), in this process. Things to know:
 * - naudiodon's defaults (a queue of 2 buffers, close on any PortAudio status flag) end the
 *   capture when the event loop stalls a few tens of ms. Here the queue holds bufferMs of audio
 *   and status flags are only printed; losses are found against the clock (OverflowDetector).
 * - Each open stream keeps one libuv threadpool thread waiting for audio (4 by default, shared
 *   with fs, dns and crypto work).
 * - The native code prints to stdout ("PortAudio V19...", "Input audio options: ..."); that
 *   cannot be silenced short of redirecting file descriptor 1.
 * - Opening makes PortAudio enumerate, and briefly open, every ALSA device, twice.
 * - Never call naudiodon's abort(): it throws ("AudioIO Quit expects 1 argument"); quit() is
 *   the way out and takes about 20 ms.
 */
export class PortAudioSource extends EventEmitter<AudioSourceEvents> implements AudioSource {
  readonly format: AudioFormat;
  readonly info: SourceInfo;
  private readonly sampleFormat: keyof NaudiodonSampleFormats;
  private readonly framesPerBuffer: number;
  private readonly aligner: FrameAligner;
  private readonly overflow: OverflowDetector;
  private readonly watchdog: DeliveryWatchdog;
  private readonly silenceLimitMs: number;
  private input: NaudiodonInput | undefined;
  private streaming = false;
  private delivering = false;
  private closed: Promise<void> | undefined;

  constructor(private readonly options: PortAudioSourceOptions) {
    super();
    assertFormat(options.format);
    this.format = options.format;
    this.info = { kind: 'alsa', device: options.device, backend: 'portaudio' };
    this.sampleFormat = naudiodonSampleFormat(options.format);
    const { sampleRate } = options.format;
    this.framesPerBuffer = Math.max(1, Math.round((options.periodMs * sampleRate) / 1000));
    this.aligner = new FrameAligner(bytesPerFrame(options.format));
    this.overflow = new OverflowDetector({
      sampleRate,
      toleranceFrames: 2 * this.framesPerBuffer + (SCHEDULING_SLACK_MS * sampleRate) / 1000,
      // The backlog after a stall is at most about bufferMs and drains at well over twice real time.
      settleMs: Math.max(2 * options.bufferMs, 4 * options.periodMs),
    });
    this.silenceLimitMs = Math.max(MIN_SILENCE_LIMIT_MS, 4 * options.bufferMs);
    this.watchdog = new DeliveryWatchdog(this.silenceLimitMs, (delivered) => this.silent(delivered));
  }

  /** Opens the PortAudio stream on the device (not yet capturing); retries a while if the device is busy. */
  async open(): Promise<void> {
    const naudiodon = loadNaudiodon();
    if (naudiodon instanceof Error) throw new SourceFailure(naudiodon.message, 'error', { cause: naudiodon });
    await retryWhileBusy(async () => {
      this.input = this.openStream(naudiodon);
    });
  }

  /** Starts capturing on the first call (frame 0 is the first frame after it); later calls resume delivery. */
  start(): void {
    const input = this.input;
    if (!input) throw new Error('PortAudioSource.start() needs an open device: call open() first, and not after close()');
    this.delivering = true;
    if (this.streaming) return;
    this.streaming = true;
    try {
      input.start();
    } catch (err) {
      this.streaming = false;
      process.nextTick(() => this.fail(new SourceFailure(`${this.options.device}: ${describe(err)}`, 'error', { cause: err })));
      return;
    }
    this.overflow.start(performance.now());
    this.watchdog.start();
    input.on('data', (bytes: Buffer) => this.receive(bytes));
  }

  /** Ends delivery at once; the device keeps capturing (and its audio is dropped) until close(). */
  stop(): void {
    this.delivering = false;
  }

  close(): Promise<void> {
    this.closed ??= this.release();
    return this.closed;
  }

  private async release(): Promise<void> {
    this.delivering = false;
    this.watchdog.stop();
    const input = this.input;
    this.input = undefined;
    if (input) await new Promise<void>((resolve) => input.quit(resolve));
  }

  private openStream(naudiodon: Naudiodon): NaudiodonInput {
    const { device, format, periodMs, bufferMs } = this.options;
    try {
      // Checked here first, as far as it can be: an AudioIO that fails to open leaves PortAudio
      // initialized for good, and its device list (read once, at initialization) frozen with it.
      const deviceId = captureDeviceId(naudiodon.getDevices(), device, format.channels);
      return naudiodon.AudioIO({
        inOptions: {
          deviceId,
          sampleRate: format.sampleRate,
          channelCount: format.channels,
          sampleFormat: naudiodon[this.sampleFormat],
          framesPerBuffer: this.framesPerBuffer,
          maxQueue: Math.max(2, Math.ceil(bufferMs / periodMs)),
          highwaterMark: this.framesPerBuffer * bytesPerFrame(format),
          closeOnError: false,
        },
      });
    } catch (err) {
      if (err instanceof SourceFailure) throw err;
      // PortAudio's text for a device another program holds (ALSA's EBUSY).
      if (/Device unavailable/.test(describe(err))) throw new DeviceBusyError(`"${device}" is busy: ${describe(err)}`);
      throw new SourceFailure(`cannot capture from "${device}": ${describe(err)}`, 'error', { cause: err });
    }
  }

  private receive(bytes: Buffer): void {
    // naudiodon reads highwaterMark bytes, whole frames; the aligner keeps that true whatever it reads.
    const pcm = this.aligner.push(bytes);
    if (pcm.length === 0) return;
    this.watchdog.delivery();
    const lost = this.overflow.received(pcm.length / bytesPerFrame(this.format), performance.now());
    if (!this.delivering) return;
    if (lost > 0) this.emit('overrun', lost);
    this.emit('data', pcm);
  }

  private silent(delivered: boolean): void {
    const device = this.options.device;
    this.fail(
      delivered
        ? new SourceFailure(`"${device}" stopped delivering audio for ${this.silenceLimitMs} ms (disconnected?)`, 'device-lost')
        : new SourceFailure(`"${device}" delivered no audio in the ${this.silenceLimitMs} ms after starting`, 'error'),
    );
  }

  private fail(failure: SourceFailure): void {
    if (this.closed) return;
    this.delivering = false;
    this.emit('error', failure);
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
