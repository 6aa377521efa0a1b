import { EventEmitter } from 'node:events';
import { AudioFormat, bytesPerFrame } from '../audio/format';
import { silence } from '../audio/samples';
import { AudioSource, AudioSourceEvents, SourceFailure } from '../capture/audio-source';
import { EarlyAudio } from '../capture/early-audio';
import { SourceInfo } from '../contract/audio-chunk';
import { AudioTimeline, TimelineStats } from './audio-timeline';
import { ByteLink } from './byte-link';
import { DeviceEnd, DeviceError, DeviceHello } from './device-messages';
import { majorVersion, PROTOCOL_VERSION, versionText } from './link-frame';
import { AudioFrame, LinkStats, PicoLink } from './pico-link';
import { linkAudioFormat, SlotDecoder, SPH0645_VALID_BITS } from './slot-decoder';

export interface PicoAudioSourceOptions {
  /** The serial port (or a PicoLink already made on it, shared with a button trigger). */
  link: ByteLink | PicoLink;
  /** The serial port's name, for messages and `msg.audio.source.device`. */
  device: string;
  sampleRate: number;
  /** Significant bits at the top of each slot; 18 for an SPH0645. */
  validBits?: number;
  /** Samples per audio frame to ask for; absent: the firmware's default. */
  samplesPerFrame?: number;
  /** Period of the device's status reports (`link`'s 'status' event); 0: none. Default 1000. */
  statusIntervalMs?: number;
  /** How long open() waits for the firmware to answer start. Default 3000. */
  openTimeoutMs?: number;
  /** Audio kept between open() and start(), as a device buffer would. Default 1000. */
  holdMs?: number;
}

export interface PicoSourceStats {
  link: LinkStats;
  timeline: TimelineStats;
  slotsWithStrayBits: number;
}

/** A boot announcement while opening means the Pico may have missed start: ask again, this often. */
const START_ATTEMPTS = 3;
/** The longest loss filled with silence; a longer jump is a stream this source lost track of. */
const MAX_GAP_SECONDS = 60;
/** A frame further back than this starts a new stream rather than repeating an old frame. */
const MAX_BACKWARD_SECONDS = 1;

/**
 * An SPH0645 on a Raspberry Pi Pico running the project's MicroPython firmware, over USB serial
 * (docs/pico-link-protocol.md). open() sends start and resolves on the firmware's hello, once
 * the format it reports is the one asked for. Samples lost on the link (a damaged frame) come
 * out as 'overrun' events of the right length, as the ALSA sources report theirs, so the
 * recording's timeline stays exact. The delivered format is 32-bit with validBits 18
 * (linkAudioFormat); 24/16-bit and the DC blocker are mic-in's converter's job.
 * Button edges and the firmware's status reports are events of `link`, which also delivers them
 * while no recording runs when the node makes the PicoLink itself and passes it in.
 */
export class PicoAudioSource extends EventEmitter<AudioSourceEvents> implements AudioSource {
  readonly format: AudioFormat;
  readonly info: SourceInfo;
  readonly link: PicoLink;
  private readonly ownsLink: boolean;
  private readonly timeline: AudioTimeline;
  private readonly slots: SlotDecoder;
  /** Audio before start(), up to holdMs. */
  private readonly holdFrames: number;
  private readonly held: EarlyAudio;
  private opening: { resolve: () => void; reject: (err: SourceFailure) => void; timer: NodeJS.Timeout; startsLeft: number } | undefined;
  private attached = false;
  /** The device streams for us: its hello answered our start and no end or stop came since. */
  private streaming = false;
  private delivering = false;
  /** start() was called once: from then on, audio outside delivery is dropped, not held. */
  private started = false;
  private lastDeviceError: DeviceError | undefined;

  constructor(private readonly options: PicoAudioSourceOptions) {
    super();
    const validBits = options.validBits ?? SPH0645_VALID_BITS;
    this.format = linkAudioFormat(options.sampleRate, validBits);
    this.info = { kind: 'pico', device: options.device };
    this.ownsLink = !(options.link instanceof PicoLink);
    this.link = options.link instanceof PicoLink ? options.link : new PicoLink(options.link);
    this.timeline = new AudioTimeline({
      maxGapSamples: MAX_GAP_SECONDS * options.sampleRate,
      maxBackwardSamples: MAX_BACKWARD_SECONDS * options.sampleRate,
    });
    this.slots = new SlotDecoder(validBits);
    this.holdFrames = Math.round(((options.holdMs ?? 1000) * options.sampleRate) / 1000);
    this.held = new EarlyAudio(this.holdFrames * bytesPerFrame(this.format));
  }

  get stats(): PicoSourceStats {
    return { link: this.link.stats, timeline: { ...this.timeline.stats }, slotsWithStrayBits: this.slots.slotsWithStrayBits };
  }

  /** Asks the firmware to stream; resolves on its answer, rejects with what went wrong. */
  open(): Promise<void> {
    if (this.attached) return Promise.reject(new SourceFailure(`${this.options.device}: the Pico source is already open`, 'error'));
    this.attach();
    return new Promise((resolve, reject) => {
      const timeoutMs = this.options.openTimeoutMs ?? 3000;
      const timer = setTimeout(() => this.failOpen(this.silenceExplained(timeoutMs)), timeoutMs);
      this.opening = { resolve, reject, timer, startsLeft: START_ATTEMPTS - 1 };
      this.sendStart();
    });
  }

  start(): void {
    this.started = true;
    this.delivering = true;
    // After a stop() the device no longer streams: ask again; its hello begins a new stream.
    if (!this.streaming && !this.opening) this.sendStart();
    for (const pcm of this.held.release()) this.emit('data', pcm);
  }

  stop(): void {
    this.delivering = false;
    if (!this.streaming) return;
    this.streaming = false;
    this.link.send({ kind: 'stop' });
  }

  /** Stops the device and lets go of the link; the serial port itself is its owner's to close. */
  async close(): Promise<void> {
    this.stop();
    this.failOpen(new SourceFailure(`${this.options.device}: closed while opening`, 'error'));
    this.detach();
  }

  private attach(): void {
    this.attached = true;
    this.link.on('hello', this.onHello);
    this.link.on('audio', this.onAudio);
    this.link.on('end', this.onEnd);
    this.link.on('deviceError', this.onDeviceError);
    this.link.on('incompatible', this.onIncompatible);
    this.link.on('close', this.onClose);
  }

  private detach(): void {
    if (!this.attached) return;
    this.attached = false;
    this.link.off('hello', this.onHello);
    this.link.off('audio', this.onAudio);
    this.link.off('end', this.onEnd);
    this.link.off('deviceError', this.onDeviceError);
    this.link.off('incompatible', this.onIncompatible);
    this.link.off('close', this.onClose);
    if (this.ownsLink) this.link.detach();
  }

  private sendStart(): void {
    const { sampleRate, samplesPerFrame, statusIntervalMs } = this.options;
    this.link.send({ kind: 'start', sampleRate, samplesPerFrame, statusIntervalMs: statusIntervalMs ?? 1000 });
  }

  private readonly onHello = (hello: DeviceHello): void => {
    if (!hello.streaming) {
      this.onDeviceBoot();
      return;
    }
    const mismatch = this.formatMismatch(hello);
    if (mismatch) {
      this.link.send({ kind: 'stop' });
      this.fail(new SourceFailure(`${this.options.device}: ${mismatch}`, 'error'));
      return;
    }
    if (this.started && !this.delivering) {
      // Asked for by a start() that a stop() followed before this answer came.
      this.link.send({ kind: 'stop' });
      return;
    }
    this.timeline.reset();
    this.streaming = true;
    this.lastDeviceError = undefined;
    const opening = this.opening;
    if (!opening) return;
    this.opening = undefined;
    clearTimeout(opening.timer);
    opening.resolve();
  };

  /** The Pico announced itself idle: it (re)booted. While opening it may have missed start; later, the stream is gone. */
  private onDeviceBoot(): void {
    if (this.opening) {
      if (this.opening.startsLeft-- > 0) this.sendStart();
      return;
    }
    if (!this.streaming) return;
    this.streaming = false;
    this.fail(new SourceFailure(`${this.options.device}: the Pico restarted while streaming`, 'device-lost'));
  }

  private readonly onAudio = (frame: AudioFrame): void => {
    if (!this.streaming) return;
    const samples = frame.slots.length / 4;
    const placement = this.timeline.place(frame.firstSample, samples);
    if (!placement) return;
    if (placement.gap > 0) this.lost(placement.gap);
    this.take(this.slots.decode(placement.skip > 0 ? frame.slots.subarray(placement.skip * 4) : frame.slots));
  };

  private lost(samples: number): void {
    if (this.delivering) this.emit('overrun', samples);
    else if (!this.started) this.held.hold(silence(this.format, Math.min(samples, this.holdFrames)));
  }

  private take(pcm: Buffer): void {
    if (this.delivering) this.emit('data', pcm);
    else if (!this.started) this.held.hold(pcm);
  }

  /**
   * An end while opening closes a stream from before (a host that went away without stop): the
   * firmware ends it before answering start. A failed start comes as an error frame instead.
   */
  private readonly onEnd = (end: DeviceEnd): void => {
    if (!this.streaming) return;
    this.streaming = false;
    const why = this.lastDeviceError ? `: ${this.lastDeviceError.text}` : '';
    this.fail(new SourceFailure(`${this.options.device}: the Pico ended the stream (${end.reason})${why}`, 'error'));
  };

  private readonly onDeviceError = (error: DeviceError): void => {
    this.lastDeviceError = error;
    if (this.opening) this.failOpen(new SourceFailure(`${this.options.device}: the Pico refused to start (${error.code}): ${error.text}`, 'error'));
  };

  private readonly onIncompatible = (version: number): void => {
    this.fail(
      new SourceFailure(
        `${this.options.device}: the Pico firmware speaks protocol ${versionText(version)}, ` +
          `this host ${majorVersion(PROTOCOL_VERSION)}.x: update one of them`,
        'error',
      ),
    );
  };

  private readonly onClose = (): void => {
    this.streaming = false;
    this.delivering = false;
    this.fail(new SourceFailure(`${this.options.device}: the serial link closed (Pico unplugged?)`, 'device-lost'));
  };

  /** Rejects open() when it is waiting, else reports the failure as the source's error. */
  private fail(failure: SourceFailure): void {
    if (this.opening) this.failOpen(failure);
    else if (this.attached) this.emit('error', failure);
  }

  private failOpen(failure: SourceFailure): void {
    const opening = this.opening;
    if (!opening) return;
    this.opening = undefined;
    clearTimeout(opening.timer);
    this.detach();
    opening.reject(failure);
  }

  private formatMismatch(hello: DeviceHello): string | undefined {
    const wanted = this.format;
    if (hello.slotBits !== wanted.bitDepth || hello.channels !== wanted.channels) {
      return `the Pico streams ${hello.channels} channel(s) of ${hello.slotBits}-bit slots; this host reads ${wanted.channels} channel of ${wanted.bitDepth}-bit slots`;
    }
    if (hello.sampleRate !== wanted.sampleRate) return `the Pico streams at ${hello.sampleRate} Hz, ${wanted.sampleRate} Hz was asked for`;
    if (hello.validBits !== wanted.validBits) {
      return `the Pico reports ${hello.validBits} valid bits per sample, ${String(wanted.validBits)} were expected (check the microphone setting)`;
    }
    return undefined;
  }

  /** Why open() heard nothing, from what did arrive. */
  private silenceExplained(timeoutMs: number): SourceFailure {
    const { frames, bytesSkipped } = this.link.stats;
    const heard =
      frames > 0
        ? 'frames arrived but no answer to start'
        : bytesSkipped > 0
          ? `${bytesSkipped} bytes arrived but no protocol frame: the Pico is at the MicroPython prompt or runs other code`
          : 'nothing arrived: is the firmware installed and running (main.py)?';
    return new SourceFailure(`${this.options.device}: no answer from the Pico within ${timeoutMs} ms; ${heard}`, 'error');
  }
}
