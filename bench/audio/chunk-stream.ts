/** The audio formats the bench records (integer PCM, as the contract's `msg.audio.format`). */
export interface BenchFormat {
  sampleRate: number;
  channels: number;
  bitDepth: 16 | 32;
  encoding: 'signed';
}

/** One take: a session of `seconds` of audio sent in chunks of `chunkMs`. */
export interface TakeSpec {
  session: string;
  filename: string;
  format: BenchFormat;
  seconds: number;
  chunkMs: number;
}

/** An audio chunk message per ARCHITECTURE.md ("Audio chunk (mic-in output)"). A type, not an interface, so it is a NodeMessage. */
export type ChunkMessage = {
  topic: string;
  payload: Buffer;
  filename?: string;
  audio: {
    session: string;
    seq: number;
    frame: number;
    format: BenchFormat;
    source: { kind: 'test'; device: string };
    event: 'start' | 'data' | 'end';
    reason?: 'stop';
    dropped: number;
  };
};

export function frameBytes(format: BenchFormat): number {
  return (format.bitDepth / 8) * format.channels;
}

export function takeFrames(take: TakeSpec): number {
  return take.seconds * take.format.sampleRate;
}

export function takeBytes(take: TakeSpec): number {
  return takeFrames(take) * frameBytes(take.format);
}

export function chunkFrames(take: TakeSpec): number {
  return (take.format.sampleRate * take.chunkMs) / 1000;
}

/** The byte every sample byte of chunk `seq` holds; never 0, so a hole of zeros in a file is caught. */
export function fillByte(seq: number): number {
  return 1 + (seq % 251);
}

/**
 * The take's chunks, made one at a time as they are asked for: a 'start' chunk carrying the
 * first chunk of audio, 'data' chunks, and an empty 'end' chunk (reason 'stop'), as mic-in
 * sends them. Every payload is a fresh Buffer.allocUnsafe + fill, as a capture source
 * allocates one per period, so the garbage collector sees what it sees in production.
 */
export function* takeChunks(take: TakeSpec): Generator<ChunkMessage> {
  const total = takeFrames(take);
  const perChunk = chunkFrames(take);
  const bytesPerFrame = frameBytes(take.format);
  let frame = 0;
  let seq = 0;
  const message = (event: 'start' | 'data' | 'end', payload: Buffer): ChunkMessage => ({
    topic: 'audio',
    payload,
    ...(event === 'start' && { filename: take.filename }),
    audio: {
      session: take.session,
      seq,
      frame,
      format: take.format,
      source: { kind: 'test', device: 'bench' },
      event,
      ...(event === 'end' && { reason: 'stop' as const }),
      dropped: 0,
    },
  });
  while (frame < total) {
    const frames = Math.min(perChunk, total - frame);
    yield message(seq === 0 ? 'start' : 'data', Buffer.allocUnsafe(frames * bytesPerFrame).fill(fillByte(seq)));
    frame += frames;
    seq++;
  }
  yield message('end', Buffer.alloc(0));
}
