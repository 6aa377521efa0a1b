import { AudioFormat } from '../../src/lib/audio/format';
import { AudioChunkInfo, EndReason } from '../../src/lib/contract/audio-chunk';

export type ChunkMsg = { payload: Buffer; audio: AudioChunkInfo; filename?: unknown };

/** The audio chunk messages of one recording, made one by one as mic-in sends them, for tests that pace them. */
export class SessionChunks {
  private seq = 0;
  private frame = 0;
  private readonly frameBytes: number;

  constructor(
    readonly session: string,
    readonly format: AudioFormat = { sampleRate: 8000, channels: 2, bitDepth: 16, encoding: 'signed' },
  ) {
    this.frameBytes = (format.bitDepth / 8) * format.channels;
  }

  start(filename?: string): ChunkMsg {
    return { ...this.chunk('start', Buffer.alloc(0)), ...(filename !== undefined && { filename }) };
  }

  data(payload: Buffer): ChunkMsg {
    return this.chunk('data', payload);
  }

  end(reason: EndReason = 'stop'): ChunkMsg {
    return this.chunk('end', Buffer.alloc(0), reason);
  }

  private chunk(event: AudioChunkInfo['event'], payload: Buffer, reason?: EndReason): ChunkMsg {
    const audio: AudioChunkInfo = {
      session: this.session,
      seq: this.seq++,
      frame: this.frame,
      format: this.format,
      source: { kind: 'test', device: 'test' },
      event,
      dropped: 0,
      ...(reason && { reason }),
    };
    this.frame += payload.length / this.frameBytes;
    return { payload, audio };
  }
}
