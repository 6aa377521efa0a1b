import { crc32 } from 'node:zlib';

/**
 * One frame of the Pico link (docs/pico-link-protocol.md, section 1): the byte layout in one
 * place, shared by the encoder, the stream decoder and the tests.
 */
export interface LinkFrame {
  /** Major version in the high nibble, minor in the low one. */
  version: number;
  type: number;
  /** Per-direction frame counter, u32, wraps. */
  seq: number;
  /** Audio: index of the first sample (u32, wraps); button: samples read at the edge; else 0. */
  sample: number;
  /** Device `ticks_ms()` when the frame was built; 0 from the host. */
  ticks: number;
  payload: Buffer;
}

export const SYNC = Buffer.from([0xa5, 0x5a, 0x50, 0x4b]);
export const PROTOCOL_VERSION = 0x10;
export const HEADER_BYTES = 20;
export const CRC_BYTES = 4;
export const MAX_PAYLOAD_BYTES = 8192;
/** Audio in protocol 1.0: one channel of 32-bit slots, the only values `start` may ask for. */
export const SLOT_BITS = 32;
export const CHANNELS = 1;

export const OFFSET = {
  version: 4,
  type: 5,
  length: 6,
  seq: 8,
  sample: 12,
  ticks: 16,
} as const;

/** Bit 7 of the type: set on host-to-device frames. */
export const HOST_TO_DEVICE = 0x80;

export function majorVersion(version: number): number {
  return version >> 4;
}

/** A version byte as people write it: 0x10 is '1.0'. */
export function versionText(version: number): string {
  return `${majorVersion(version)}.${version & 0xf}`;
}

/**
 * The frame CRC (IEEE, as zlib and MicroPython's binascii.crc32). Node has zlib.crc32 from 20.15
 * and 22.2 while the package allows any Node 20: an older one fails here, when the link is used,
 * saying what is missing, rather than when the package loads.
 */
export const frameCrc: (bytes: Uint8Array) => number =
  typeof crc32 === 'function'
    ? (bytes) => crc32(bytes)
    : () => {
        throw new Error('the Pico link needs zlib.crc32: Node.js 20.15 or later');
      };

/** The whole frame, CRC included; the version defaults to the one this host speaks. */
export function encodeFrame(frame: Omit<LinkFrame, 'version'> & { version?: number }): Buffer {
  const { payload } = frame;
  if (payload.length > MAX_PAYLOAD_BYTES) throw new RangeError(`a payload holds at most ${MAX_PAYLOAD_BYTES} bytes, got ${payload.length}`);
  const bytes = Buffer.allocUnsafe(HEADER_BYTES + payload.length + CRC_BYTES);
  SYNC.copy(bytes, 0);
  bytes[OFFSET.version] = frame.version ?? PROTOCOL_VERSION;
  bytes[OFFSET.type] = frame.type;
  bytes.writeUInt16LE(payload.length, OFFSET.length);
  bytes.writeUInt32LE(frame.seq >>> 0, OFFSET.seq);
  bytes.writeUInt32LE(frame.sample >>> 0, OFFSET.sample);
  bytes.writeUInt32LE(frame.ticks >>> 0, OFFSET.ticks);
  payload.copy(bytes, HEADER_BYTES);
  const covered = HEADER_BYTES + payload.length;
  bytes.writeUInt32LE(frameCrc(bytes.subarray(0, covered)), covered);
  return bytes;
}
