import { PassThrough } from 'node:stream';
import { ByteLink } from '../../src/lib/pico/byte-link';
import { LinkFrameDecoder } from '../../src/lib/pico/frame-decoder';
import { DeviceFrameType, HostFrameType } from '../../src/lib/pico/frame-types';
import { encodeFrame, HEADER_BYTES, LinkFrame } from '../../src/lib/pico/link-frame';

/** The device-side payload writers the firmware has; the host library only reads these. */
export interface HelloFields {
  sampleRate: number;
  validBits?: number;
  slotBits?: number;
  channels?: number;
  streaming: boolean;
  samplesPerFrame?: number;
  buttonPin?: number;
  firmware?: string;
}

export function helloPayload(hello: HelloFields): Buffer {
  const firmware = Buffer.from(hello.firmware ?? 'pico-mic test');
  const payload = Buffer.alloc(16 + firmware.length);
  payload.writeUInt32LE(hello.sampleRate, 0);
  payload[4] = hello.slotBits ?? 32;
  payload[5] = hello.validBits ?? 18;
  payload[6] = hello.channels ?? 1;
  payload[7] = hello.streaming ? 1 : 0;
  payload.writeUInt16LE(hello.samplesPerFrame ?? 512, 8);
  payload[10] = 30;
  payload[11] = 0;
  payload[12] = 1;
  payload[13] = 2;
  payload[14] = hello.buttonPin ?? 0xff;
  payload[15] = firmware.length;
  firmware.copy(payload, 16);
  return payload;
}

export function u32Payload(...values: number[]): Buffer {
  const payload = Buffer.alloc(values.length * 4);
  values.forEach((value, i) => payload.writeUInt32LE(value >>> 0, i * 4));
  return payload;
}

export function endPayload(samplesRead: number, reason: number): Buffer {
  return Buffer.concat([u32Payload(samplesRead), Buffer.from([reason])]);
}

export function errorPayload(code: number, text: string): Buffer {
  return Buffer.concat([Buffer.from([code]), Buffer.from(text)]);
}

/** SPH0645 slots: each 18-bit value at the top of a 32-bit little-endian slot. */
export function sph0645Slots(values: readonly number[]): Buffer {
  const slots = Buffer.alloc(values.length * 4);
  values.forEach((value, i) => slots.writeInt32LE(value << 14, i * 4));
  return slots;
}

/** A byte link made of two PassThrough streams: what the host writes, the device reads, and back. */
class PassThroughLink implements ByteLink {
  constructor(
    private readonly fromDevice: PassThrough,
    private readonly toDevice: PassThrough,
  ) {}

  write(bytes: Buffer): boolean {
    return this.toDevice.write(bytes);
  }

  on(event: 'data' | 'close', listener: (bytes: Buffer) => void): this {
    this.fromDevice.on(event, listener);
    return this;
  }

  removeListener(event: 'data' | 'close', listener: (bytes: Buffer) => void): this {
    this.fromDevice.removeListener(event, listener);
    return this;
  }
}

/**
 * A Pico the test scripts: it reads the host's commands (kept in `commands`) and, unless the
 * test replaces `onCommand`, answers start with a streaming hello and stop with an end, as the
 * protocol says. Audio and other frames go out when the test sends them.
 */
export class ScriptedPico {
  readonly link: ByteLink;
  readonly commands: LinkFrame[] = [];
  onCommand: (command: LinkFrame) => void = (command) => this.answer(command);
  samplesSent = 0;
  private readonly toHost = new PassThrough();
  private readonly toDevice = new PassThrough();
  private seq = 0;

  constructor() {
    this.link = new PassThroughLink(this.toHost, this.toDevice);
    const decoder = new LinkFrameDecoder((frame) => {
      this.commands.push(frame);
      this.onCommand(frame);
    });
    this.toDevice.on('data', (bytes: Buffer) => decoder.push(bytes));
  }

  commandKinds(): string[] {
    const names = Object.entries(HostFrameType);
    return this.commands.map((command) => names.find(([, type]) => type === command.type)?.[0] ?? `0x${command.type.toString(16)}`);
  }

  send(type: number, payload: Buffer, sample = 0, options: { version?: number; seq?: number } = {}): Buffer {
    const frame = this.nextFrame(type, payload, sample, options);
    this.toHost.write(frame);
    return frame;
  }

  sendRaw(bytes: Buffer | string): void {
    this.toHost.write(bytes);
  }

  /**
   * One audio frame of 18-bit values, placed after the last one sent. 'lost': it never arrives
   * (a frame the Pico gave up); 'corrupted': it arrives with a bit flipped in its payload, so its
   * CRC fails.
   */
  audio(values: readonly number[], fate: 'sent' | 'lost' | 'corrupted' = 'sent'): void {
    const first = this.samplesSent;
    this.samplesSent += values.length;
    if (fate === 'lost') {
      this.seq++;
      return;
    }
    const frame = this.nextFrame(DeviceFrameType.audio, sph0645Slots(values), first);
    if (fate === 'corrupted') frame[HEADER_BYTES] = (frame[HEADER_BYTES] as number) ^ 0x80;
    this.toHost.write(frame);
  }

  unplug(): void {
    this.toHost.destroy();
  }

  /** The next frame this device sends, with its sequence number (counted on from `options.seq` when given). */
  private nextFrame(type: number, payload: Buffer, sample: number, options: { version?: number; seq?: number } = {}): Buffer {
    const frame = encodeFrame({ type, seq: options.seq ?? this.seq, sample, ticks: 1000 + this.seq, payload, version: options.version });
    this.seq = (options.seq ?? this.seq) + 1;
    return frame;
  }

  private answer(command: LinkFrame): void {
    if (command.type === HostFrameType.start) {
      this.samplesSent = 0;
      this.send(DeviceFrameType.hello, helloPayload({ sampleRate: command.payload.readUInt32LE(0), streaming: true }));
    } else if (command.type === HostFrameType.stop) {
      this.send(DeviceFrameType.end, endPayload(this.samplesSent, 1));
    }
  }
}

/** Lets the streams and the listeners behind them run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}
