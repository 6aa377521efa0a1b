import { EventEmitter } from 'node:events';
import { ByteLink } from './byte-link';
import {
  DeviceButton,
  DeviceEnd,
  DeviceError,
  DeviceHello,
  DevicePong,
  DeviceStatus,
  readButton,
  readDeviceError,
  readEnd,
  readHello,
  readPong,
  readStatus,
} from './device-messages';
import { FrameDecoderStats, LinkFrameDecoder } from './frame-decoder';
import { DeviceFrameType } from './frame-types';
import { encodeCommand, HostCommand } from './host-commands';
import { HOST_TO_DEVICE, LinkFrame, majorVersion, PROTOCOL_VERSION } from './link-frame';

export interface AudioFrame {
  /** Index of the first sample, u32, wraps. */
  firstSample: number;
  ticks: number;
  /** Raw 32-bit little-endian I2S slots, one per sample. */
  slots: Buffer;
}

export interface ButtonEdge extends DeviceButton {
  /** Device ticks_ms of the edge. */
  ticks: number;
  /** Samples read when the edge was seen, 0 when not streaming. */
  sample: number;
}

export interface PicoLinkEvents {
  hello: [hello: DeviceHello];
  audio: [frame: AudioFrame];
  status: [status: DeviceStatus];
  button: [edge: ButtonEdge];
  end: [end: DeviceEnd];
  /** An `error` frame from the firmware (named so as not to be Node's 'error' event). */
  deviceError: [error: DeviceError];
  pong: [pong: DevicePong];
  /** A hello or pong of a protocol major version this host does not speak. */
  incompatible: [version: number];
  close: [];
}

export interface LinkStats extends FrameDecoderStats {
  /** Device frames missing by their sequence numbers (any type). */
  framesMissing: number;
  /** Good frames of a type this host does not know (a newer minor version) or sent the host's way. */
  unknownTypes: number;
  /** Good frames whose payload is too short for their type. */
  malformed: number;
  /** Good frames of another major version. */
  otherVersions: number;
}

/**
 * The protocol over a byte link: decodes device frames into typed events and sends commands
 * (docs/pico-link-protocol.md). One per open serial port; the audio source and the button
 * trigger can share it.
 */
export class PicoLink extends EventEmitter<PicoLinkEvents> {
  private readonly decoder = new LinkFrameDecoder((frame) => this.dispatch(frame));
  private readonly counts = { framesMissing: 0, unknownTypes: 0, malformed: 0, otherVersions: 0 };
  private sendSeq = 0;
  private expectedSeq: number | undefined;
  private readonly onData = (bytes: Buffer): void => this.decoder.push(bytes);
  private closed = false;
  private readonly onClose = (): void => {
    this.closed = true;
    this.emit('close');
  };

  constructor(private readonly link: ByteLink) {
    super();
    link.on('data', this.onData);
    link.on('close', this.onClose);
  }

  get stats(): LinkStats {
    return { ...this.decoder.stats, ...this.counts };
  }

  /** Sends a command; once the byte link has closed, does nothing (a write would only fail). */
  send(command: HostCommand): void {
    if (this.closed) return;
    this.link.write(encodeCommand(command, this.sendSeq));
    this.sendSeq = (this.sendSeq + 1) >>> 0;
  }

  /** Stops listening to the byte link (which stays open: its owner closes it). */
  detach(): void {
    this.link.removeListener('data', this.onData);
    this.link.removeListener('close', this.onClose);
  }

  private dispatch(frame: LinkFrame): void {
    if ((frame.type & HOST_TO_DEVICE) !== 0) {
      this.counts.unknownTypes++;
      return;
    }
    if (majorVersion(frame.version) !== majorVersion(PROTOCOL_VERSION)) {
      this.counts.otherVersions++;
      if (frame.type === DeviceFrameType.hello || frame.type === DeviceFrameType.pong) this.emit('incompatible', frame.version);
      return;
    }
    this.countMissing(frame.seq);
    const { payload } = frame;
    switch (frame.type) {
      case DeviceFrameType.audio:
        if (payload.length === 0 || payload.length % 4 !== 0) this.counts.malformed++;
        else this.emit('audio', { firstSample: frame.sample, ticks: frame.ticks, slots: payload });
        return;
      case DeviceFrameType.hello:
        return this.emitRead('hello', readHello(payload));
      case DeviceFrameType.status:
        return this.emitRead('status', readStatus(payload));
      case DeviceFrameType.button: {
        const button = readButton(payload);
        return this.emitRead('button', button && { ...button, ticks: frame.ticks, sample: frame.sample });
      }
      case DeviceFrameType.end:
        return this.emitRead('end', readEnd(payload));
      case DeviceFrameType.error:
        return this.emitRead('deviceError', readDeviceError(payload));
      case DeviceFrameType.pong:
        return this.emitRead('pong', readPong(payload));
      default:
        this.counts.unknownTypes++;
    }
  }

  /** Emits what a payload reader made of a frame; undefined (a payload too short for its type) is counted as malformed. */
  private emitRead<K extends 'hello' | 'status' | 'button' | 'end' | 'deviceError' | 'pong'>(event: K, message: PicoLinkEvents[K][0] | undefined): void {
    if (message === undefined) this.counts.malformed++;
    else (this.emit as (event: K, message: PicoLinkEvents[K][0]) => boolean)(event, message);
  }

  /** A step back (the device rebooted and counts from 0 again) is not loss. */
  private countMissing(seq: number): void {
    if (this.expectedSeq !== undefined) {
      const ahead = (seq - this.expectedSeq) | 0;
      if (ahead > 0) this.counts.framesMissing += ahead;
    }
    this.expectedSeq = (seq + 1) >>> 0;
  }
}
