import { join, parse } from 'node:path';
import { assertFormat, type AudioFormat, bytesPerFrame } from '../audio/format';
import { type WavFileSummary, WavFileWriter, type WavFileWriterOptions } from './file-writer';
import { RIFF_LIMIT, wavLayout } from './header';

export interface WavRecordingOptions extends WavFileWriterOptions {
  /**
   * Largest file the filesystem takes (FAT32: 4294967295). When set, the recording is split
   * into parts that each stay within it and within a plain RIFF size (never RF64).
   * Default: one file, RF64 past 4 GiB.
   */
  maxFileBytes?: number;
  /** Path of part n >= 2. Default `${dir}/${stem}-part${n}${ext}`. */
  partPath?: (partNumber: number) => string;
}

export interface WavRecordingSummary {
  paths: string[];
  format: AudioFormat;
  frames: number;
  dataBytes: number;
  fileBytes: number;
  container: 'wav' | 'rf64';
  parts: WavFileSummary[];
}

/**
 * Frames in each part of a split recording: as many whole frames as fit after the
 * header in a file of at most `maxFileBytes` that still has a 32-bit RIFF size.
 */
export function framesPerPart(format: AudioFormat, maxFileBytes: number, riffLimit = RIFF_LIMIT): number {
  const { headerBytes } = wavLayout(format);
  if (!Number.isSafeInteger(maxFileBytes)) throw new RangeError(`maxFileBytes must be a whole number, got ${maxFileBytes}`);
  const fileLimit = Math.min(maxFileBytes, riffLimit + 8);
  const frames = Math.floor((fileLimit - headerBytes) / bytesPerFrame(format));
  if (frames < 1) throw new RangeError(`maxFileBytes ${maxFileBytes} leaves no room for a frame after the ${headerBytes}-byte header`);
  return frames;
}

export function defaultPartPath(path: string): (partNumber: number) => string {
  const { dir, name, ext } = parse(path);
  return (partNumber) => join(dir, `${name}-part${partNumber}${ext}`);
}

/**
 * One recording, written as one WAV file or, with maxFileBytes, as consecutive parts.
 * Appended buffers are cut at the exact frame where a part fills (subarray, no copy), so
 * the parts' PCM joined is exactly what was appended. A full part is finalized at once;
 * the next one is opened only when there is a frame to put in it.
 */
export class WavRecordingWriter {
  readonly path: string;
  readonly format: AudioFormat;
  private readonly frameBytes: number;
  private readonly framesPerPart: number;
  private readonly partPath: (partNumber: number) => string;
  private readonly partOptions: WavFileWriterOptions;
  private readonly onError: ((err: Error) => void) | undefined;
  private readonly parts: WavFileWriter[] = [];
  private readonly finishedParts: Promise<WavFileSummary>[] = [];
  private current: WavFileWriter;
  private failed = false;
  private finalizing: Promise<WavRecordingSummary> | undefined;

  constructor(path: string, format: AudioFormat, options: WavRecordingOptions = {}) {
    assertFormat(format);
    const { maxFileBytes, partPath, onError, ...fileOptions } = options;
    this.path = path;
    this.format = { ...format };
    this.frameBytes = bytesPerFrame(format);
    this.framesPerPart = maxFileBytes === undefined ? Infinity : framesPerPart(format, maxFileBytes, options.riffLimit);
    this.partPath = partPath ?? defaultPartPath(path);
    this.onError = onError;
    // Every part reports through one handler, so the recording reports its first failure once.
    this.partOptions = { ...fileOptions, onError: (err) => this.fail(err) };
    this.current = this.openPart(path);
  }

  /** Same contract as WavFileWriter.append; after any part fails, appends are ignored. */
  append(pcm: Buffer): void {
    if (this.finalizing) throw new Error(`append after finalize of ${this.path}`);
    if (pcm.length % this.frameBytes !== 0) {
      throw new RangeError(`${pcm.length} bytes is not a whole number of ${this.frameBytes}-byte frames`);
    }
    let rest = pcm;
    while (rest.length > 0 && !this.failed) {
      const roomBytes = (this.framesPerPart - this.current.framesAppended) * this.frameBytes;
      if (roomBytes === 0) {
        this.finishPart(this.current);
        this.current = this.openPart(this.partPath(this.parts.length + 1));
        continue;
      }
      const piece = rest.length <= roomBytes ? rest : rest.subarray(0, roomBytes);
      this.current.append(piece);
      rest = rest.subarray(piece.length);
    }
  }

  get framesAppended(): number {
    return this.parts.reduce((sum, part) => sum + part.framesAppended, 0);
  }

  get bytesAppended(): number {
    return this.parts.reduce((sum, part) => sum + part.bytesAppended, 0);
  }

  get pendingBytes(): number {
    return this.parts.reduce((sum, part) => sum + part.pendingBytes, 0);
  }

  /** Paths of the parts opened so far, in order. */
  get paths(): string[] {
    return this.parts.map((part) => part.path);
  }

  /** Finalizes the open part and waits for all parts; rejects with the first part that could not be made valid. */
  finalize(): Promise<WavRecordingSummary> {
    this.finalizing ??= this.finish();
    return this.finalizing;
  }

  private async finish(): Promise<WavRecordingSummary> {
    this.finishPart(this.current);
    const settled = await Promise.allSettled(this.finishedParts);
    const parts: WavFileSummary[] = [];
    for (const result of settled) {
      if (result.status === 'rejected') throw result.reason;
      parts.push(result.value);
    }
    return {
      paths: parts.map((part) => part.path),
      format: this.format,
      frames: parts.reduce((sum, part) => sum + part.frames, 0),
      dataBytes: parts.reduce((sum, part) => sum + part.dataBytes, 0),
      fileBytes: parts.reduce((sum, part) => sum + part.fileBytes, 0),
      container: parts.some((part) => part.container === 'rf64') ? 'rf64' : 'wav',
      parts,
    };
  }

  private openPart(path: string): WavFileWriter {
    const part = new WavFileWriter(path, this.format, this.partOptions);
    this.parts.push(part);
    return part;
  }

  private finishPart(part: WavFileWriter): void {
    const finished = part.finalize();
    // A rejection also reached onError; finalize() reports it, so it must not count as unhandled meanwhile.
    finished.catch(() => undefined);
    this.finishedParts.push(finished);
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.onError?.(error);
  }
}
