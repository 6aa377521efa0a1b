/**
 * Payloads of device-to-host frames (docs/pico-link-protocol.md, section 3), read into typed
 * values. Each reader returns undefined for a payload shorter than its type's minimum
 * (malformed) and ignores bytes after the fields it knows (added by a later minor version).
 */

export interface DeviceHello {
  sampleRate: number;
  slotBits: number;
  validBits: number;
  channels: number;
  streaming: boolean;
  samplesPerFrame: number;
  /** Device ticks wrap at 2^tickBits. */
  tickBits: number;
  pins: { sck: number; ws: number; sd: number; button: number | undefined };
  firmware: string;
}

export interface DeviceStatus {
  samplesExpected: number;
  samplesRead: number;
  shortWrites: number;
  abandonedFrames: number;
  /** undefined when the firmware cannot know. */
  i2sOverruns: number | undefined;
  frameMaxUs: number;
  frameAvgUs: number;
  memFree: number | undefined;
}

export interface DeviceButton {
  pin: number;
  pressed: boolean;
}

const END_REASONS = ['stop', 'restart', 'error', 'exit'] as const;
export type DeviceEndReason = (typeof END_REASONS)[number] | 'unknown';

export interface DeviceEnd {
  samplesRead: number;
  reason: DeviceEndReason;
}

const ERROR_CODES = [
  'malformed-command',
  'unknown-command',
  'unsupported-parameter',
  'i2s-failure',
  'internal',
  'unsupported-version',
] as const;
export type DeviceErrorCode = (typeof ERROR_CODES)[number] | 'unknown';

export interface DeviceError {
  code: DeviceErrorCode;
  text: string;
}

export interface DevicePong {
  token: number;
  streaming: boolean;
}

const UNKNOWN_U32 = 0xffff_ffff;
const NO_PIN = 0xff;
const HELLO_FIXED_BYTES = 16;

export function readHello(payload: Buffer): DeviceHello | undefined {
  if (payload.length < HELLO_FIXED_BYTES) return undefined;
  const versionLength = payload[15] as number;
  if (payload.length < HELLO_FIXED_BYTES + versionLength) return undefined;
  const button = payload[14] as number;
  return {
    sampleRate: payload.readUInt32LE(0),
    slotBits: payload[4] as number,
    validBits: payload[5] as number,
    channels: payload[6] as number,
    streaming: payload[7] === 1,
    samplesPerFrame: payload.readUInt16LE(8),
    tickBits: payload[10] as number,
    pins: { sck: payload[11] as number, ws: payload[12] as number, sd: payload[13] as number, button: button === NO_PIN ? undefined : button },
    firmware: payload.toString('utf8', HELLO_FIXED_BYTES, HELLO_FIXED_BYTES + versionLength),
  };
}

export function readStatus(payload: Buffer): DeviceStatus | undefined {
  if (payload.length < 32) return undefined;
  const unknownAsUndefined = (value: number): number | undefined => (value === UNKNOWN_U32 ? undefined : value);
  return {
    samplesExpected: payload.readUInt32LE(0),
    samplesRead: payload.readUInt32LE(4),
    shortWrites: payload.readUInt32LE(8),
    abandonedFrames: payload.readUInt32LE(12),
    i2sOverruns: unknownAsUndefined(payload.readUInt32LE(16)),
    frameMaxUs: payload.readUInt32LE(20),
    frameAvgUs: payload.readUInt32LE(24),
    memFree: unknownAsUndefined(payload.readUInt32LE(28)),
  };
}

export function readButton(payload: Buffer): DeviceButton | undefined {
  if (payload.length < 2) return undefined;
  return { pin: payload[0] as number, pressed: payload[1] === 1 };
}

export function readEnd(payload: Buffer): DeviceEnd | undefined {
  if (payload.length < 5) return undefined;
  return { samplesRead: payload.readUInt32LE(0), reason: END_REASONS[(payload[4] as number) - 1] ?? 'unknown' };
}

export function readDeviceError(payload: Buffer): DeviceError | undefined {
  if (payload.length < 1) return undefined;
  return { code: ERROR_CODES[(payload[0] as number) - 1] ?? 'unknown', text: payload.toString('utf8', 1) };
}

export function readPong(payload: Buffer): DevicePong | undefined {
  if (payload.length < 5) return undefined;
  return { token: payload.readUInt32LE(0), streaming: payload[4] === 1 };
}
