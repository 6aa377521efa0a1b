import { randomUUID } from 'node:crypto';
import { bytesPerFrame } from '../audio/format';
import { measureLevel } from '../audio/level';
import { silence } from '../audio/samples';
import { AudioChunk, ChunkEvent, EndReason } from '../contract/audio-chunk';
import { AudioSource, SourceFailure } from './audio-source';
import { ChunkAssembler } from './chunk-assembler';

export interface RecorderOptions {
  /** Makes the source for a new recording; it is opened on start and closed when the recording ends. */
  createSource: () => AudioSource;
  chunkMs: number;
  /** Default length limit of a recording; 0 for none. */
  maxDurationMs: number;
  onChunk: (chunk: AudioChunk) => void;
  /** The source failed mid-recording; the recording has already ended with the failure's reason. */
  onFailure: (err: SourceFailure) => void;
}

export interface StartRequest {
  maxDurationMs?: number;
  /** The file name asked for with the start command, carried on the start chunk for the writer. */
  filename?: unknown;
}

interface Session {
  readonly id: string;
  readonly source: AudioSource;
  readonly assembler: ChunkAssembler;
  readonly frameBytes: number;
  readonly chunkFrames: number;
  readonly maxFrames: number;
  readonly startedAt: Date;
  seq: number;
  /** Frames taken into the timeline (emitted or waiting in the assembler), silence for losses included. */
  framesTaken: number;
  framesEmitted: number;
  dropped: number;
}

/**
 * The capture control loop: start/stop/toggle, one session per recording, chunks with a
 * gap-free frame timeline, losses filled with counted silence, and the automatic end at
 * the maximum duration. Commands run one at a time in the order they arrive.
 */
export class Recorder {
  private session: Session | undefined;
  private commands: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: RecorderOptions) {}

  get recording(): boolean {
    return this.session !== undefined;
  }

  /** Frames recorded so far in the current session (0 when idle). */
  get framesRecorded(): number {
    return this.session?.framesTaken ?? 0;
  }

  get sessionId(): string | undefined {
    return this.session?.id;
  }

  /** Starts a recording; resolves false when one is already under way. */
  start(request: StartRequest = {}): Promise<boolean> {
    return this.enqueue(() => this.begin(request));
  }

  /** Ends the recording under way; resolves false when there was none. */
  stop(reason: EndReason = 'stop'): Promise<boolean> {
    return this.enqueue(async () => {
      const source = this.end(reason);
      if (!source) return false;
      await source.close();
      return true;
    });
  }

  toggle(request: StartRequest = {}): Promise<boolean> {
    return this.enqueue(async () => {
      if (!this.session) return this.begin(request);
      const source = this.end('stop');
      await source?.close();
      return true;
    });
  }

  /** Ends any recording with reason 'close' and waits until its device is released. */
  async close(): Promise<void> {
    await this.stop('close');
  }

  private enqueue<T>(command: () => Promise<T>): Promise<T> {
    const result = this.commands.then(command);
    this.commands = result.catch(() => undefined);
    return result;
  }

  private async begin(request: StartRequest): Promise<boolean> {
    if (this.session) return false;
    const source = this.options.createSource();
    source.on('data', (pcm) => this.guarded(source, () => this.onData(source, pcm)));
    source.on('overrun', (frames) => this.guarded(source, () => this.onOverrun(source, frames)));
    source.on('error', (err) => this.onFailure(source, err));
    try {
      await source.open();
    } catch (err) {
      await source.close().catch(() => undefined);
      throw err;
    }
    const { format } = source;
    const chunkFrames = Math.max(1, Math.round((this.options.chunkMs * format.sampleRate) / 1000));
    const maxDurationMs = request.maxDurationMs ?? this.options.maxDurationMs;
    this.session = {
      id: randomUUID(),
      source,
      assembler: new ChunkAssembler(chunkFrames * bytesPerFrame(format)),
      frameBytes: bytesPerFrame(format),
      chunkFrames,
      maxFrames: maxDurationMs > 0 ? Math.max(1, Math.round((maxDurationMs * format.sampleRate) / 1000)) : Infinity,
      startedAt: new Date(),
      seq: 0,
      framesTaken: 0,
      framesEmitted: 0,
      dropped: 0,
    };
    this.emitChunk(this.session, 'start', Buffer.alloc(0), undefined, request.filename);
    source.start();
    return true;
  }

  /** Ends the session at once (no data follows) and returns its source, still to be closed. */
  private end(reason: EndReason): AudioSource | undefined {
    const session = this.session;
    if (!session) return undefined;
    this.session = undefined;
    session.source.stop();
    this.emitChunk(session, 'end', session.assembler.flush(), reason);
    return session.source;
  }

  private endAndRelease(reason: EndReason): void {
    const source = this.session?.source;
    try {
      this.end(reason);
    } finally {
      if (source) void this.enqueue(() => source.close().catch(() => undefined));
    }
  }

  /**
   * Runs a device event handler. A throw here would escape into the device's own callback
   * and could take the whole process down; instead the recording ends with reason 'error'.
   */
  private guarded(source: AudioSource, handle: () => void): void {
    try {
      handle();
    } catch (err) {
      const failure = new SourceFailure(`capture failed: ${(err as Error).message}`, 'error', { cause: err });
      try {
        this.onFailure(source, failure);
      } catch {
        // The consumer threw again on the end chunk; the session is over and its device released either way.
      }
    }
  }

  private onData(source: AudioSource, pcm: Buffer): void {
    const session = this.session;
    if (session?.source !== source) return;
    this.take(session, pcm);
  }

  private onOverrun(source: AudioSource, frames: number): void {
    const session = this.session;
    if (session?.source !== source) return;
    // Silence goes in chunk-sized pieces so a long stall never needs one huge buffer; only
    // what fits before the maximum duration is counted as dropped.
    for (let left = frames; left > 0 && this.session === session; ) {
      const piece = Math.min(left, session.chunkFrames, session.maxFrames - session.framesTaken);
      session.dropped += piece;
      this.take(session, silence(source.format, piece));
      left -= piece;
    }
  }

  private onFailure(source: AudioSource, err: SourceFailure): void {
    if (this.session?.source !== source) return;
    try {
      this.endAndRelease(err.reason);
    } finally {
      this.options.onFailure(err);
    }
  }

  private take(session: Session, pcm: Buffer): void {
    const room = session.maxFrames - session.framesTaken;
    const frames = pcm.length / session.frameBytes;
    const taken = frames >= room ? pcm.subarray(0, room * session.frameBytes) : pcm;
    session.framesTaken += taken.length / session.frameBytes;
    session.assembler.push(taken, (chunk) => this.emitChunk(session, 'data', chunk));
    if (frames >= room) this.endAndRelease('max-duration');
  }

  private emitChunk(session: Session, event: ChunkEvent, payload: Buffer, reason?: EndReason, filename?: unknown): void {
    const { format, info } = session.source;
    const level = measureLevel(payload, format);
    const chunk: AudioChunk = {
      payload,
      audio: {
        session: session.id,
        seq: session.seq++,
        frame: session.framesEmitted,
        format,
        source: info,
        event,
        dropped: session.dropped,
        ...(reason && { reason }),
        ...(level && { level }),
      },
      ...(filename !== undefined && { filename }),
    };
    session.framesEmitted += payload.length / session.frameBytes;
    this.options.onChunk(chunk);
  }
}
