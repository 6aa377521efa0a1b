import { randomUUID } from 'node:crypto';
import { AudioFormat, bytesPerFrame } from '../audio/format';
import { measureLevel } from '../audio/level';
import { silence } from '../audio/samples';
import { AudioChunk, ChunkEvent, EndReason } from '../contract/audio-chunk';
import { AudioSource, SourceFailure } from './audio-source';
import { ChunkAssembler } from './chunk-assembler';
import { PreRollBuffer } from './pre-roll-buffer';
import { SilenceDetector, SilenceStopOptions } from './silence-detector';

export interface RecorderOptions {
  /** Makes a source when one is needed: for each recording, or once while listening. */
  createSource: () => AudioSource;
  chunkMs: number;
  /** Default length limit of a recording (pre-roll not counted); 0 for none. */
  maxDurationMs: number;
  /**
   * Keep the device open between recordings (call listen() to open it) and begin each
   * recording with the last `preRollMs` of audio. When false, the device is opened for each
   * recording and released after it.
   */
  keepOpen?: boolean;
  preRollMs?: number;
  /** End a recording when it has gone quiet (reason 'silence'). */
  silenceStop?: SilenceStopOptions;
  /**
   * With keepOpen: start a recording by itself when the audio's RMS level reaches this
   * (dBFS). The audio that crossed it starts the recording, after the pre-roll.
   */
  startOnSoundDbfs?: number;
  onChunk: (chunk: AudioChunk) => void;
  /** The source failed; a recording under way has already ended with the failure's reason. */
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
  /** Frames the recording may hold: the pre-roll plus the maximum duration. */
  readonly maxFrames: number;
  seq: number;
  /** Frames taken into the timeline (emitted or waiting in the assembler), silence for losses included. */
  framesTaken: number;
  framesEmitted: number;
  dropped: number;
  readonly silence: SilenceDetector | undefined;
  /** The silence detector has decided; the session ends once the chunk being taken is in. */
  silent: boolean;
}

/**
 * The capture control loop: start/stop/toggle, one session per recording, chunks with a
 * gap-free frame timeline, losses filled with counted silence, the automatic end at the
 * maximum duration or after silence, and optionally a device kept open with a pre-roll,
 * which may start recordings by itself on sound. Commands run one at a time in the order
 * they arrive.
 */
export class Recorder {
  /** The open source: the session's, or the one listening between recordings. */
  private source: AudioSource | undefined;
  /** A source whose open() is under way, so close() can cut it short. */
  private opening: AudioSource | undefined;
  /** The open source was started (its audio flows). */
  private delivering = false;
  private preRoll: PreRollBuffer | undefined;
  private session: Session | undefined;
  private commands: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: RecorderOptions) {}

  get recording(): boolean {
    return this.session !== undefined;
  }

  /** Frames recorded so far in the current session, pre-roll included (0 when idle). */
  get framesRecorded(): number {
    return this.session?.framesTaken ?? 0;
  }

  /** With keepOpen: opens the device now and keeps the pre-roll filling until close(). */
  listen(): Promise<void> {
    return this.enqueue(async () => {
      this.deliver(await this.ensureOpen());
    });
  }

  /** Starts a recording; resolves false when one is already under way. */
  start(request: StartRequest = {}): Promise<boolean> {
    return this.enqueue(() => this.begin(request));
  }

  /** Ends the recording under way; resolves false when there was none. */
  stop(reason: EndReason = 'stop'): Promise<boolean> {
    return this.enqueue(async () => {
      if (!this.session) return false;
      await this.end(reason)?.close();
      return true;
    });
  }

  toggle(request: StartRequest = {}): Promise<boolean> {
    return this.enqueue(async () => {
      if (!this.session) return this.begin(request);
      await this.end('stop')?.close();
      return true;
    });
  }

  /**
   * Ends any recording with reason 'close' and waits until the device is released. A device
   * still opening (busy retries, a hung driver) is given up at once rather than waited for.
   */
  close(): Promise<void> {
    void this.opening?.close().catch(() => undefined);
    return this.enqueue(async () => {
      const ended = this.end('close');
      await (ended ?? this.release())?.close();
    });
  }

  private enqueue<T>(command: () => Promise<T>): Promise<T> {
    const result = this.commands.then(command);
    this.commands = result.catch(() => undefined);
    return result;
  }

  private async ensureOpen(): Promise<AudioSource> {
    if (this.source) return this.source;
    const source = this.options.createSource();
    source.on('data', (pcm) => this.guarded(source, () => this.onData(source, pcm)));
    source.on('overrun', (frames) => this.guarded(source, () => this.onOverrun(source, frames)));
    source.on('error', (err) => this.onFailure(source, err));
    this.opening = source;
    try {
      await source.open();
    } catch (err) {
      await source.close().catch(() => undefined);
      throw err;
    } finally {
      this.opening = undefined;
    }
    const preRollFrames = Math.round(((this.options.preRollMs ?? 0) * source.format.sampleRate) / 1000);
    this.preRoll = this.options.keepOpen && preRollFrames > 0 ? new PreRollBuffer(preRollFrames * bytesPerFrame(source.format)) : undefined;
    this.source = source;
    return source;
  }

  /**
   * Starts the device's delivery once. A source may hand over audio it already holds inside
   * start() itself, so a recording's session must exist before this is called.
   */
  private deliver(source: AudioSource): void {
    if (this.delivering) return;
    this.delivering = true;
    source.start();
  }

  /** Detaches the open source (no data follows) and returns it, still to be closed. */
  private release(): AudioSource | undefined {
    const source = this.source;
    this.source = undefined;
    this.preRoll = undefined;
    this.delivering = false;
    source?.stop();
    return source;
  }

  private async begin(request: StartRequest): Promise<boolean> {
    if (this.session) return false;
    this.openSession(await this.ensureOpen(), request);
    return true;
  }

  private chunkFrames(format: AudioFormat): number {
    return Math.max(1, Math.round((this.options.chunkMs * format.sampleRate) / 1000));
  }

  /** Starts a session on an open source: the pre-roll first, then `live` audio, if any. */
  private openSession(source: AudioSource, request: StartRequest, live?: Buffer): void {
    const { format } = source;
    const chunkFrames = this.chunkFrames(format);
    const maxDurationMs = request.maxDurationMs ?? this.options.maxDurationMs;
    const preRoll = this.preRoll?.take() ?? Buffer.alloc(0);
    const frameBytes = bytesPerFrame(format);
    const session: Session = {
      id: randomUUID(),
      source,
      assembler: new ChunkAssembler(chunkFrames * frameBytes),
      frameBytes,
      chunkFrames,
      maxFrames: maxDurationMs > 0 ? preRoll.length / frameBytes + Math.max(1, Math.round((maxDurationMs * format.sampleRate) / 1000)) : Infinity,
      seq: 0,
      framesTaken: preRoll.length / frameBytes,
      framesEmitted: 0,
      dropped: 0,
      silence: this.options.silenceStop && new SilenceDetector(this.options.silenceStop, format.sampleRate),
      silent: false,
    };
    this.session = session;
    this.emitChunk(session, 'start', preRoll, undefined, request.filename);
    this.deliver(source);
    if (live) this.take(session, live);
  }

  /**
   * Audio between recordings when a sound may start one: a chunk length at a time, so the
   * recording begins at the first loud chunk however much audio arrives at once; what came
   * before it goes to the pre-roll.
   */
  private listenForSound(source: AudioSource, pcm: Buffer, thresholdDbfs: number): void {
    const { format } = source;
    const pieceBytes = this.chunkFrames(format) * bytesPerFrame(format);
    for (let offset = 0; offset < pcm.length; offset += pieceBytes) {
      const piece = pcm.subarray(offset, offset + pieceBytes);
      const level = measureLevel(piece, format);
      if (level && level.rmsDbfs >= thresholdDbfs) {
        this.openSession(source, {}, pcm.subarray(offset));
        return;
      }
      this.preRoll?.push(piece);
    }
  }

  /**
   * Ends the session at once (no data joins it after this) and returns the source to close,
   * or undefined when the device stays open for the pre-roll.
   */
  private end(reason: EndReason): AudioSource | undefined {
    const session = this.session;
    if (!session) return undefined;
    this.session = undefined;
    const source = this.options.keepOpen ? undefined : this.release();
    this.emitChunk(session, 'end', session.assembler.flush(), reason);
    return source;
  }

  private endAndRelease(reason: EndReason): void {
    const keepOpen = this.options.keepOpen;
    const source = keepOpen ? undefined : this.source;
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
    if (source !== this.source) return;
    const soundDbfs = this.options.keepOpen ? this.options.startOnSoundDbfs : undefined;
    if (this.session) this.take(this.session, pcm);
    else if (soundDbfs !== undefined) this.listenForSound(source, pcm, soundDbfs);
    else this.preRoll?.push(pcm);
  }

  private onOverrun(source: AudioSource, frames: number): void {
    if (source !== this.source) return;
    const session = this.session;
    if (!session) {
      // The pre-roll keeps its true length too; it never needs more than its own capacity of silence.
      this.preRoll?.push(silence(source.format, Math.min(frames, source.format.sampleRate * 60)));
      return;
    }
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
    if (source !== this.source) return;
    // A failed device is let go even when listening; the next start opens a new one.
    this.release();
    try {
      this.end(err.reason);
    } finally {
      void this.enqueue(() => source.close().catch(() => undefined));
      this.options.onFailure(err);
    }
  }

  private take(session: Session, pcm: Buffer): void {
    if (!session.silence) return this.takePiece(session, pcm);
    // A chunk at a time, so the recording ends on the chunk that completed the silence
    // however much audio arrives at once (a stall, a device's first read).
    const chunkBytes = session.chunkFrames * session.frameBytes;
    for (let offset = 0; offset < pcm.length && this.session === session; offset += chunkBytes) {
      this.takePiece(session, pcm.subarray(offset, offset + chunkBytes));
    }
  }

  private takePiece(session: Session, pcm: Buffer): void {
    const room = session.maxFrames - session.framesTaken;
    const frames = pcm.length / session.frameBytes;
    const taken = frames >= room ? pcm.subarray(0, room * session.frameBytes) : pcm;
    session.framesTaken += taken.length / session.frameBytes;
    session.assembler.push(taken, (chunk) => this.emitChunk(session, 'data', chunk));
    if (frames >= room) this.endAndRelease('max-duration');
    else if (session.silent && this.session === session) this.endAndRelease('silence');
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
    const frames = payload.length / session.frameBytes;
    session.framesEmitted += frames;
    if (event === 'data' && level && session.silence?.push(level.rmsDbfs, frames, session.framesEmitted)) session.silent = true;
    this.options.onChunk(chunk);
  }
}
