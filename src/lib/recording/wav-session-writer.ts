import { mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AudioFormat, bytesPerFrame, framesToMs, sameFormat } from '../audio/format';
import { silence } from '../audio/samples';
import { AudioChunk, audioChunkProblem, EndReason } from '../contract/audio-chunk';
import { RecordingInfo } from '../contract/recording';
import { repairWavFile } from '../wav/repair';
import { wavLayout } from '../wav/header';
import { WavRecordingWriter } from '../wav/recording-writer';
import { expandPattern, highestCounter, safeFileName } from './file-names';
import { publishFiles } from './publish';

export interface WavSessionWriterOptions {
  /** Where finished recordings appear. */
  directory: string;
  /** Where files are written until they are finished; must be on the same volume as `directory`. */
  partialDirectory: string;
  /** File name pattern (see expandPattern). */
  pattern: string;
  /** Roll over to a new file after this long; 0 for no limit. */
  maxDurationMs: number;
  /** Roll over to a new file at this many bytes of audio data; 0 for no limit. */
  maxBytes: number;
  refreshIntervalMs: number;
  /** The filesystem's per-file size limit (FAT32: 4 GiB - 1); files are split into parts below it. */
  maxFileBytes?: number;
  onFinished: (recording: RecordingInfo) => void;
  /** A failure outside any message: a write, finalize or publish failed. */
  onError: (err: Error) => void;
}

/** An audio chunk message as wav-writer receives it. */
export interface ChunkMessage extends AudioChunk {
  topic?: unknown;
  filename?: unknown;
}

export class ChunkError extends Error {}

interface OpenFile {
  readonly session: string;
  readonly writer: WavRecordingWriter;
  readonly format: AudioFormat;
  readonly frameBytes: number;
  readonly maxFrames: number;
  readonly rollReason: EndReason;
  readonly startedAt: Date;
  readonly topic: string;
  /** Session timeline frame the next chunk must start at. */
  nextFrame: number;
  /** Frames the source reported as lost (msg.audio.dropped). */
  sourceDropped: number;
  /** Frames of silence this writer put in for gaps in the chunks' frame timeline. */
  filledFrames: number;
}

/**
 * Writes each session of audio chunks to a WAV file in a partial directory and publishes
 * it under its final name when the session ends. Every state change happens synchronously
 * when a chunk arrives, so chunks handled concurrently keep their order; only finishing a
 * file (finalize, rename) is awaited.
 */
export class WavSessionWriter {
  private current: OpenFile | undefined;
  private counter = 0;
  /** A session whose start was refused: its later chunks are dropped without a second error. */
  private refusedSession: string | undefined;
  /** Files are finished one after another, so their messages and names come in recording order. */
  private finishing: Promise<void> = Promise.resolve();
  private readonly ready: Promise<void>;

  constructor(private readonly options: WavSessionWriterOptions) {
    this.ready = this.prepare();
    this.ready.catch(() => undefined);
  }

  get recording(): { elapsedMs: number; bytes: number } | undefined {
    const file = this.current;
    if (!file) return undefined;
    return { elapsedMs: framesToMs(file.writer.framesAppended, file.format), bytes: file.writer.bytesAppended };
  }

  /**
   * Writes one chunk. Rejects with a ChunkError for a chunk that cannot be written; a file
   * that was open is finalized and published first, so nothing recorded is lost.
   */
  async write(msg: ChunkMessage): Promise<void> {
    await this.ready;
    const problem = audioChunkProblem(msg);
    if (problem) return this.refuse(problem);
    const { audio } = msg;
    const pending: (Promise<void> | undefined)[] = [];
    let file = this.current;
    if (audio.event === 'start') {
      if (file) pending.push(this.finish(file, 'interrupted'));
      try {
        file = this.current = this.open(msg);
      } catch (err) {
        this.refusedSession = audio.session;
        await Promise.all(pending);
        throw new ChunkError(`${(err as Error).message}; the recording was not started`);
      }
    } else if (file?.session !== audio.session) {
      if (audio.session === this.refusedSession) return;
      this.refusedSession = audio.session;
      return this.refuse(`chunk of session ${audio.session}, whose start chunk this writer did not get`);
    }
    const chunkProblem = this.chunkProblem(file, msg);
    if (chunkProblem) {
      await Promise.all(pending);
      return this.refuse(chunkProblem);
    }
    pending.push(this.append(file, msg));
    // After a roll-over the session's open file is a newer one than `file`.
    if (audio.event === 'end' && this.current) pending.push(this.finish(this.current, audio.reason ?? 'stop'));
    await Promise.all(pending);
  }

  /** Ends the recording under way; resolves when it is finalized and published. */
  async stop(reason: EndReason = 'stop'): Promise<boolean> {
    await this.ready;
    if (!this.current) return false;
    await this.finish(this.current, reason);
    return true;
  }

  /** Finalizes and publishes whatever is open or still finishing. */
  async close(): Promise<void> {
    await this.ready.catch(() => undefined);
    if (this.current) void this.finish(this.current, 'close');
    await this.finishing;
  }

  /**
   * Publishes what an earlier run left in the partial directory (power cut, crash), after
   * fixing each header to the frames on disk. Call before the first write.
   */
  async recover(): Promise<void> {
    await this.ready;
    const names = (await readdir(this.options.partialDirectory)).filter((name) => name.toLowerCase().endsWith('.wav'));
    for (const name of names.sort()) {
      const path = join(this.options.partialDirectory, name);
      if (this.current?.writer.paths.includes(path)) continue;
      try {
        const { size, mtime: modified } = await stat(path);
        // A crash between creating the file and writing its first header leaves it empty: no audio to keep.
        if (size === 0) {
          await unlink(path);
          continue;
        }
        const repaired = await repairWavFile(path);
        const [published] = await publishFiles([path], this.options.directory);
        if (!published) throw new Error('it was not published');
        const durationMs = framesToMs(repaired.frames, repaired.format);
        this.options.onFinished({
          session: '',
          path: published,
          frames: repaired.frames,
          durationMs,
          bytes: repaired.dataBytes + wavLayout(repaired.format).headerBytes,
          format: repaired.format,
          container: repaired.container,
          startedAt: new Date(modified.getTime() - durationMs).toISOString(),
          endedAt: modified.toISOString(),
          reason: 'interrupted',
          dropped: 0,
        });
      } catch (err) {
        this.options.onError(new Error(`could not recover ${path}: ${(err as Error).message}`, { cause: err }));
      }
    }
  }

  private async prepare(): Promise<void> {
    await mkdir(this.options.directory, { recursive: true });
    await mkdir(this.options.partialDirectory, { recursive: true });
    this.counter = await highestCounter(this.options.directory, this.options.pattern);
  }

  private async refuse(problem: string): Promise<never> {
    if (!this.current) throw new ChunkError(problem);
    await this.finish(this.current, 'error');
    throw new ChunkError(`${problem}; the recording under way was finalized and kept`);
  }

  private chunkProblem(file: OpenFile, { audio, payload }: ChunkMessage): string | undefined {
    if (!sameFormat(audio.format, file.format)) return 'the audio format changed in the middle of a session';
    if (payload.length % file.frameBytes !== 0) {
      return `payload of ${payload.length} bytes is not a whole number of ${file.frameBytes}-byte frames`;
    }
    if (audio.frame < file.nextFrame) {
      return `chunk starts at frame ${audio.frame}, but frames up to ${file.nextFrame} were already written`;
    }
    return undefined;
  }

  /** Opens the file for a start chunk, named by msg.filename or else the pattern. */
  private open({ audio, filename, topic }: ChunkMessage): OpenFile {
    const topicText = typeof topic === 'string' ? topic : '';
    const name = filename === undefined ? this.nextPatternName(audio.session, topicText) : safeFileName(filename);
    return this.openFile(name, audio.session, audio.format, topicText, audio.frame, audio.dropped ?? 0);
  }

  private nextPatternName(session: string, topic: string): string {
    this.counter++;
    return expandPattern(this.options.pattern, { counter: this.counter, startedAt: new Date(), session, topic });
  }

  private openFile(name: string, session: string, format: AudioFormat, topic: string, frame: number, sourceDropped: number): OpenFile {
    const { maxDurationMs, maxBytes, refreshIntervalMs, maxFileBytes } = this.options;
    const frameBytes = bytesPerFrame(format);
    const durationFrames = maxDurationMs > 0 ? Math.max(1, Math.round((maxDurationMs * format.sampleRate) / 1000)) : Infinity;
    const sizeFrames = maxBytes > 0 ? Math.max(1, Math.floor(maxBytes / frameBytes)) : Infinity;
    const writer = new WavRecordingWriter(join(this.options.partialDirectory, name), format, {
      refreshIntervalMs,
      maxFileBytes,
      onError: (err) => this.onWriteError(writer, err),
    });
    return {
      session,
      writer,
      format,
      frameBytes,
      maxFrames: Math.min(durationFrames, sizeFrames),
      rollReason: durationFrames <= sizeFrames ? 'max-duration' : 'max-size',
      startedAt: new Date(),
      topic,
      nextFrame: frame,
      sourceDropped,
      filledFrames: 0,
    };
  }

  /**
   * Appends a chunk's PCM (after silence for any gap in the frame timeline), rolling over to
   * a new file of the same session at the size or duration limit.
   */
  private append(file: OpenFile, { audio, payload }: ChunkMessage): Promise<void> | undefined {
    const gap = audio.frame - file.nextFrame;
    file.filledFrames += gap;
    file.sourceDropped = audio.dropped ?? file.sourceDropped;
    file.nextFrame = audio.frame + payload.length / file.frameBytes;
    const rolled: Promise<void>[] = [];
    for (const pcm of gap > 0 ? [silence(file.format, gap), payload] : [payload]) {
      let rest = pcm;
      while (rest.length > 0) {
        // Rolls over only when more audio comes, so a file that fills up exactly never leaves an empty successor.
        if (file.writer.framesAppended === file.maxFrames) {
          rolled.push(this.finish(file, file.rollReason));
          const name = this.nextPatternName(file.session, file.topic);
          this.current = file = this.openFile(name, file.session, file.format, file.topic, file.nextFrame, file.sourceDropped);
        }
        const room = (file.maxFrames - file.writer.framesAppended) * file.frameBytes;
        const piece = rest.length <= room ? rest : rest.subarray(0, room);
        file.writer.append(piece);
        rest = rest.subarray(piece.length);
      }
    }
    return rolled.length > 0 ? Promise.all(rolled).then(() => undefined) : undefined;
  }

  private onWriteError(writer: WavRecordingWriter, err: Error): void {
    if (this.current?.writer === writer) {
      this.refusedSession = this.current.session;
      void this.finish(this.current, 'error');
    }
    this.options.onError(err);
  }

  /** Detaches the file at once, then finalizes and publishes it after any file before it. */
  private finish(file: OpenFile, reason: EndReason): Promise<void> {
    if (this.current === file) this.current = undefined;
    this.finishing = this.finishing.then(() => this.finalizeAndPublish(file, reason));
    return this.finishing;
  }

  private async finalizeAndPublish(file: OpenFile, reason: EndReason): Promise<void> {
    try {
      const summary = await file.writer.finalize();
      const paths = await publishFiles(summary.paths, this.options.directory);
      const [path] = paths;
      if (!path) throw new Error('the writer left no file');
      this.options.onFinished({
        session: file.session,
        path,
        frames: summary.frames,
        durationMs: framesToMs(summary.frames, file.format),
        bytes: summary.fileBytes,
        format: file.format,
        container: summary.container,
        startedAt: file.startedAt.toISOString(),
        endedAt: new Date().toISOString(),
        reason,
        dropped: file.sourceDropped + file.filledFrames,
        ...(paths.length > 1 && { parts: paths }),
      });
    } catch (err) {
      this.options.onError(new Error(`could not finish ${file.writer.path}: ${(err as Error).message}`, { cause: err }));
    }
  }
}
