import { HostFrameType } from './frame-types';
import { CHANNELS, encodeFrame, SLOT_BITS } from './link-frame';

/** What `start` asks of the firmware (docs/pico-link-protocol.md, section 6). */
export interface StartRequest {
  sampleRate: number;
  /** 64 to 2048; absent: the firmware's default (512). */
  samplesPerFrame?: number;
  /** Period of status frames while streaming; 0 or absent: none. */
  statusIntervalMs?: number;
}

export type HostCommand =
  | ({ kind: 'start' } & StartRequest)
  | { kind: 'stop' }
  | { kind: 'status' }
  | { kind: 'ping'; token: number }
  | { kind: 'exit' };

/** The command as a whole frame with sequence number `seq`. */
export function encodeCommand(command: HostCommand, seq: number): Buffer {
  return encodeFrame({ type: HostFrameType[command.kind], seq, sample: 0, ticks: 0, payload: commandPayload(command) });
}

function commandPayload(command: HostCommand): Buffer {
  switch (command.kind) {
    case 'start': {
      const payload = Buffer.alloc(10);
      payload.writeUInt32LE(command.sampleRate, 0);
      payload[4] = SLOT_BITS;
      payload[5] = CHANNELS;
      payload.writeUInt16LE(command.samplesPerFrame ?? 0, 6);
      payload.writeUInt16LE(command.statusIntervalMs ?? 0, 8);
      return payload;
    }
    case 'ping': {
      const payload = Buffer.alloc(4);
      payload.writeUInt32LE(command.token >>> 0, 0);
      return payload;
    }
    case 'stop':
    case 'status':
    case 'exit':
      return Buffer.alloc(0);
  }
}
