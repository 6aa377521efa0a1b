import { mkdir, readdir } from 'node:fs/promises';
import { extname, basename, join } from 'node:path';
import { AudioFormat, bytesPerFrame, framesToMs, sameFormat } from '../audio/format';
import { silence } from '../audio/samples';
import { AudioChunk, audioChunkProblem, EndReason } from '../contract/audio-chunk';
import { RecordingInfo } from '../contract/recording';
import { WavRecordingWriter } from '../wav/recording-writer';
import { expandPattern, highestCounter, highestCounterIn, type NameRules, safeFileName } from './file-names';
import { publishFiles } from './publish';
import { recoverPartialFile } from './recover';
import type { WriterStorage } from './writer-storage';

export interface WavSessionWriterOptions {
  /**
   * Where finished recordings are published. Without it they stay, finalized, in the
   * partial directory, and the "finished" message names them there: a storage node
   * (sd-store) publishes them.
   */
  directory?: string;
  /** Where files are written until they are finished; must be on the same volume as `directory`. */
  partialDirectory: string;
  /**
   * The card the files go to, when a storage node manages it: it may refuse a start, sets
   * the file size limit and naming rules, and names why a failed write ended a recording.
   * It also makes the partial directory (only while the card is in), so this writer never
   * touches the disk before recover() or a start; chunks wait for its first check.
   */
  storage?: WriterStorage;
  /** File name pattern (see expandPattern). */
  pattern: string;
  /** Roll over to a new file after this long; 0 for no limit. */
  maxDurationMs: number;
  /** Roll over to a new file at this many bytes of audio data; 0 for no limit. */
  maxBytes: number;
  refreshIntervalMs: number;
  /** The filesystem's per-file size limit (FAT32: 4 GiB - 1); files are split into parts below it. Without storage only. */
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
  /** The name the file is published under (the partial file's may carry a suffix). */
  readonly name: string;
  readonly format: AudioFormat;
  readonly frameBytes: number;
  readonly maxFrames: number;
  readonly startedAt: Date;
  readonly topic: string;
  /** Session timeline frame the next chunk must start at. */
  nextFrame: number;
  /** Frames the source reported lost in the session so far (msg.audio.dropped). */
  sourceDropped: number;
  /** Frames of silence this writer put in for gaps in the session's timeline so far. */
  filledFrames: number;
  /** The session's lost frames before this file began: a rolled-over file reports only its own. */
  readonly droppedBefore: number;
}

/** A session whose file ended early: why, and whether its next chunk was told. */
interface StoppedSession {
  why: string;
  reported: boolean;
}

/** Sessions remembered as stopped; more than a few at once means chunks of long-dead sessions. */
const STOPPED_SESSIONS_KEPT = 16;

/**
 * Writes each session of audio chunks to a WAV file in a partial directory and publishes
 * it under its final name when the session ends (or, without a directory, leaves it there
 * finalized for a storage node). Every state change happens synchronously
 * when a chunk arrives, so chunks handled concurrently keep their order; only finishing a
 * file (finalize, rename) is awaited.
 */
export class WavSessionWriter {
  private current: OpenFile | undefined;
  private counter = 0;
  private readonly stopped = new Map<string, StoppedSession>();
  /** Names in the partial directory: open, finishing, left by an earlier run, or (without a directory) handed on. */
  private readonly partialNames = new Set<string>();
  /** Names of the files this writer has open or is finishing: never recovered. */
  private readonly ownNames = new Set<string>();
  /** Files are finished one after another, so their messages and names come in recording order. */
  private finishing: Promise<void> = Promise.resolve();
  private recovering: Promise<void> = Promise.resolve();
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
    if (audio.event === 'start') return this.begin(msg);
    const file = this.current;
    if (file?.session !== audio.session) return this.stray(audio.session);
    if (!sameFormat(audio.format, file.format)) return this.refuse('the audio format changed in the middle of a session');
    if (audio.frame < file.nextFrame) {
      return this.refuse(`chunk starts at frame ${audio.frame}, but frames up to ${file.nextFrame} were already written`);
    }
    const pending = [this.append(file, msg)];
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

  /**
   * Ends the recording under way early (its card went away or filled up) with `reason`,
   * keeping what reached the disk. The rest of its session is dropped without an error per
   * chunk: the caller reports `why` once.
   */
  async end(reason: EndReason, why: string): Promise<boolean> {
    await this.ready;
    const file = this.current;
    if (!file) return false;
    this.remember(file.session, why, true);
    await this.finish(file, reason);
    return true;
  }

  /** Finalizes and publishes whatever is open or still finishing, after any recovery under way. */
  async close(): Promise<void> {
    await this.ready.catch(() => undefined);
    if (this.current) void this.finish(this.current, 'close');
    await Promise.all([this.finishing, this.recovering]);
  }

  /**
   * Repairs the files in the partial directory that this writer does not have open (left
   * by a power cut or crash; without a directory, also finished files not yet taken away)
   * and sends their messages, after publishing them when there is a directory. Files this
   * writer opened itself are never touched. Runs one at a time; may run again (a card
   * that comes back).
   */
  recover(): Promise<void> {
    const run = async (): Promise<void> => {
      await this.ready;
      const { directory, partialDirectory } = this.options;
      for (const name of await this.scanPartialDirectory()) {
        const path = join(partialDirectory, name);
        try {
          const recording = await recoverPartialFile(path, directory);
          if (recording) this.options.onFinished(recording);
        } catch (err) {
          this.options.onError(new Error(`could not recover ${path}: ${(err as Error).message}`, { cause: err }));
        } finally {
          // Left in place (no directory), the file still holds its name.
          if (directory !== undefined) this.partialNames.delete(name);
        }
      }
    };
    const recovery = this.recovering.then(run);
    this.recovering = recovery.catch(() => undefined);
    return recovery;
  }

  private async prepare(): Promise<void> {
    const { directory, partialDirectory, pattern, storage } = this.options;
    if (storage) return storage.checked();
    await mkdir(partialDirectory, { recursive: true });
    await this.scanPartialDirectory();
    if (directory !== undefined) this.counter = Math.max(this.counter, await highestCounter(directory, pattern));
  }

  /** The .wav files in the partial directory that this writer has not opened; their names are reserved and numbered after. */
  private async scanPartialDirectory(): Promise<string[]> {
    const { partialDirectory, pattern } = this.options;
    const present = await readdir(partialDirectory);
    const names = present.filter((name) => name.toLowerCase().endsWith('.wav') && !this.ownNames.has(name)).sort();
    for (const name of names) this.partialNames.add(name);
    // Leftovers will be published under their names, so the counter continues after them too.
    this.counter = Math.max(this.counter, highestCounterIn(present, pattern));
    return names;
  }

  /** Opens the file for a start chunk (finishing any file still open) and writes its pre-roll. */
  private async begin(msg: ChunkMessage): Promise<void> {
    const { audio, filename, topic } = msg;
    const previous = this.current ? this.finish(this.current, 'interrupted') : undefined;
    let file: OpenFile;
    try {
      const problem = this.options.storage?.startProblem();
      if (problem !== undefined) throw new ChunkError(problem);
      const topicText = typeof topic === 'string' ? topic : '';
      const name = filename === undefined ? this.nextPatternName(audio.session, topicText) : safeFileName(filename, this.nameRules());
      file = this.current = this.openFile(name, audio.session, audio.format, topicText, audio.frame, audio.dropped ?? 0, 0);
    } catch (err) {
      this.remember(audio.session, (err as Error).message, true);
      await previous;
      throw new ChunkError(`${(err as Error).message}; the recording was not started`);
    }
    await Promise.all([previous, this.append(file, msg)]);
  }

  /** A chunk of a session that has no open file: a start this writer never got, or a file that ended early. */
  private async stray(session: string): Promise<never | void> {
    const stopped = this.stopped.get(session);
    if (stopped?.reported) return;
    if (stopped) {
      stopped.reported = true;
      throw new ChunkError(`the recording of session ${session} stopped early (${stopped.why}); its further audio is dropped`);
    }
    this.remember(session, 'its start chunk never reached this writer', true);
    return this.refuse(`chunk of session ${session}, whose start chunk this writer did not get`);
  }

  /** Rejects a chunk; a file open at the time is finished first, and the rest of its session is dropped. */
  private async refuse(problem: string): Promise<never> {
    const file = this.current;
    if (!file) throw new ChunkError(problem);
    this.remember(file.session, problem, true);
    await this.finish(file, 'error');
    throw new ChunkError(`${problem}; the recording under way was finalized and kept`);
  }

  private remember(session: string, why: string, reported: boolean): void {
    this.stopped.set(session, { why, reported });
    for (const old of this.stopped.keys()) {
      if (this.stopped.size <= STOPPED_SESSIONS_KEPT) break;
      this.stopped.delete(old);
    }
  }

  private nextPatternName(session: string, topic: string): string {
    this.counter++;
    return expandPattern(this.options.pattern, { counter: this.counter, startedAt: new Date(), session, topic }, this.nameRules());
  }

  private nameRules(): NameRules {
    return this.options.storage?.nameRules() ?? {};
  }

  /** A name in the partial directory that no other file there has: -2, -3... after the wanted one. */
  private reservePartialName(name: string): string {
    const ext = extname(name);
    const stem = basename(name, ext);
    let candidate = name;
    for (let n = 2; this.partialNames.has(candidate); n++) candidate = `${stem}-${n}${ext}`;
    this.partialNames.add(candidate);
    this.ownNames.add(candidate);
    return candidate;
  }

  private openFile(
    name: string,
    session: string,
    format: AudioFormat,
    topic: string,
    frame: number,
    sourceDropped: number,
    filledFrames: number,
  ): OpenFile {
    const { maxDurationMs, maxBytes, refreshIntervalMs, storage } = this.options;
    const maxFileBytes = storage ? storage.maxFileBytes() : this.options.maxFileBytes;
    const frameBytes = bytesPerFrame(format);
    const durationFrames = maxDurationMs > 0 ? Math.max(1, Math.round((maxDurationMs * format.sampleRate) / 1000)) : Infinity;
    const sizeFrames = maxBytes > 0 ? Math.max(1, Math.floor(maxBytes / frameBytes)) : Infinity;
    const partialName = this.reservePartialName(name);
    const writer = new WavRecordingWriter(join(this.options.partialDirectory, partialName), format, {
      refreshIntervalMs,
      maxFileBytes,
      partPath: (part) => join(this.options.partialDirectory, this.reservePartialName(`${basename(partialName, '.wav')}-part${part}.wav`)),
      onError: (err) => this.onWriteError(writer, err),
    });
    return {
      session,
      writer,
      name,
      format,
      frameBytes,
      maxFrames: Math.min(durationFrames, sizeFrames),
      startedAt: new Date(),
      topic,
      nextFrame: frame,
      sourceDropped,
      filledFrames,
      droppedBefore: sourceDropped + filledFrames,
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
          rolled.push(this.finish(file, 'rollover'));
          const name = this.nextPatternName(file.session, file.topic);
          this.current = file = this.openFile(name, file.session, file.format, file.topic, file.nextFrame, file.sourceDropped, file.filledFrames);
        }
        const room = (file.maxFrames - file.writer.framesAppended) * file.frameBytes;
        const piece = rest.length <= room ? rest : rest.subarray(0, room);
        file.writer.append(piece);
        rest = rest.subarray(piece.length);
      }
    }
    return rolled.length > 0 ? Promise.all(rolled).then(() => undefined) : undefined;
  }

  /**
   * A write failed (disk full, card pulled): keep what reached the disk and drop the rest of
   * the session. When the storage tells the card filled up or went away, the recording ends
   * for that reason and its further chunks are dropped quietly: this error already says why.
   */
  private onWriteError(writer: WavRecordingWriter, err: Error): void {
    const file = this.current;
    if (file?.writer === writer) {
      const reason = this.options.storage?.endReason(err) ?? 'error';
      this.remember(file.session, err.message, reason !== 'error');
      void this.finish(file, reason);
    }
    this.options.onError(err);
  }

  /**
   * Without a directory, finished files stay in the partial directory until a storage node
   * takes them; the names of those it took are free again, so the names kept stay few.
   */
  private async forgetTakenNames(): Promise<void> {
    let present: Set<string>;
    try {
      present = new Set(await readdir(this.options.partialDirectory));
    } catch {
      // The card is out: it took nothing.
      return;
    }
    for (const name of this.partialNames) if (!present.has(name) && !this.ownNames.has(name)) this.partialNames.delete(name);
  }

  /** Detaches the file at once, then finalizes and publishes it after any file before it. */
  private finish(file: OpenFile, reason: EndReason): Promise<void> {
    if (this.current === file) this.current = undefined;
    this.finishing = this.finishing.then(() => this.finalizeAndPublish(file, reason));
    return this.finishing;
  }

  private async finalizeAndPublish(file: OpenFile, reason: EndReason): Promise<void> {
    const { directory } = this.options;
    try {
      if (directory === undefined) await this.forgetTakenNames();
      const summary = await file.writer.finalize();
      let paths = summary.paths;
      if (directory !== undefined) {
        paths = await publishFiles(summary.paths, directory, file.name);
        for (const path of summary.paths) this.partialNames.delete(basename(path));
      }
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
        dropped: file.sourceDropped + file.filledFrames - file.droppedBefore,
        ...(paths.length > 1 && { parts: paths }),
      });
    } catch (err) {
      this.options.onError(new Error(`could not finish ${file.writer.path}: ${(err as Error).message}`, { cause: err }));
    } finally {
      // Only now: a recovery must not take up a file whose message is still to come.
      for (const path of file.writer.paths) this.ownNames.delete(basename(path));
    }
  }
}
