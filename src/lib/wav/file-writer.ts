import { type FileHandle, open } from 'node:fs/promises';
import { assertFormat, type AudioFormat, bytesPerFrame } from '../audio/format';
import { buildWavHeader, DS64_SLOT_OFFSET, RIFF_LIMIT, wavLayout } from './header';
import { commitHeader, writeFully } from './header-io';

export interface WavFileWriterOptions {
  /** How often the header is brought up to date while recording; 0 = only at finalize. Default 1000. */
  refreshIntervalMs?: number;
  /** Largest RIFF size before the file switches to RF64. Default RIFF_LIMIT; tests make it small. */
  riffLimit?: number;
  /** Called once, with the first I/O failure (open, write, refresh, finalize). */
  onError?: (err: Error) => void;
}

export interface WavFileSummary {
  path: string;
  format: AudioFormat;
  frames: number;
  dataBytes: number;
  fileBytes: number;
  container: 'wav' | 'rf64';
}

const DEFAULT_REFRESH_INTERVAL_MS = 1000;
/** setInterval's ceiling; longer intervals would silently fire every millisecond. */
const MAX_TIMER_MS = 0x7fff_ffff;

/**
 * Streams PCM into one WAV file: a placeholder header first, then every appended buffer
 * in order, with the header refreshed every interval so an interrupted recording is
 * playable, and finalized in O(1) by rewriting the header in place.
 *
 * All file I/O runs in one loop, one operation at a time, so data writes, header
 * refreshes and the final header never interleave.
 */
export class WavFileWriter {
  readonly path: string;
  readonly format: AudioFormat;
  private readonly frameBytes: number;
  private readonly headerBytes: number;
  private readonly riffLimit: number;
  private readonly onError: ((err: Error) => void) | undefined;
  private readonly refreshTimer: NodeJS.Timeout | undefined;
  private file: FileHandle | undefined;
  /** Appended buffers not yet handed to writev (the caller's buffers, not copies). */
  private queue: Buffer[] = [];
  private appendedBytes = 0;
  /** PCM bytes that reached the file. */
  private writtenBytes = 0;
  /** Data size the header on disk claims. */
  private claimedBytes = 0;
  private container: 'wav' | 'rf64' = 'wav';
  private refreshDue = false;
  private ioRunning = false;
  private io: Promise<void> = Promise.resolve();
  private error: Error | undefined;
  private finalizing: Promise<WavFileSummary> | undefined;

  /**
   * Opens `path` in the background, refusing to overwrite an existing file; failures go
   * to onError. Throws only for an invalid format or options.
   */
  constructor(path: string, format: AudioFormat, options: WavFileWriterOptions = {}) {
    assertFormat(format);
    this.path = path;
    this.format = { ...format };
    this.frameBytes = bytesPerFrame(format);
    this.headerBytes = wavLayout(format).headerBytes;
    this.riffLimit = options.riffLimit ?? RIFF_LIMIT;
    if (!Number.isSafeInteger(this.riffLimit) || this.riffLimit < this.headerBytes - 8) {
      throw new RangeError(`riffLimit must be a whole number of at least ${this.headerBytes - 8}, got ${this.riffLimit}`);
    }
    const refreshIntervalMs = options.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS;
    if (!Number.isFinite(refreshIntervalMs) || refreshIntervalMs < 0 || refreshIntervalMs > MAX_TIMER_MS) {
      throw new RangeError(`refreshIntervalMs must be from 0 to ${MAX_TIMER_MS}, got ${refreshIntervalMs}`);
    }
    this.onError = options.onError;
    if (refreshIntervalMs > 0) {
      this.refreshTimer = setInterval(() => this.requestRefresh(), refreshIntervalMs);
      // A recording in progress must not keep the process alive on its own.
      this.refreshTimer.unref();
    }
    this.startIo();
  }

  /**
   * Queues whole frames for writing and returns at once. The buffer is kept, not copied:
   * do not change it afterwards. Ignored after an I/O failure (already sent to onError).
   */
  append(pcm: Buffer): void {
    if (this.finalizing) throw new Error(`append after finalize of ${this.path}`);
    if (pcm.length % this.frameBytes !== 0) {
      throw new RangeError(`${pcm.length} bytes is not a whole number of ${this.frameBytes}-byte frames`);
    }
    if (this.error || pcm.length === 0) return;
    this.queue.push(pcm);
    this.appendedBytes += pcm.length;
    this.startIo();
  }

  get framesAppended(): number {
    return this.appendedBytes / this.frameBytes;
  }

  get bytesAppended(): number {
    return this.appendedBytes;
  }

  /** Appended bytes not yet written to the file; 0 after a failure (they were dropped). */
  get pendingBytes(): number {
    return this.error ? 0 : this.appendedBytes - this.writtenBytes;
  }

  /**
   * Writes what is queued and the final header, syncs and closes. Same promise on every
   * call. After a write failure it still makes the file valid for the whole frames on
   * disk and resolves with those; it rejects only when the file cannot be made valid
   * (never opened, header write failed).
   */
  finalize(): Promise<WavFileSummary> {
    this.finalizing ??= this.finish();
    return this.finalizing;
  }

  private async finish(): Promise<WavFileSummary> {
    clearInterval(this.refreshTimer);
    this.refreshDue = false;
    await this.io;
    const file = this.file;
    if (!file) throw this.error ?? new Error(`${this.path} was never opened`);
    const dataBytes = this.wholeFramesWritten();
    try {
      // Only a failed write can leave a torn frame; cut it so the file ends on a frame.
      if (dataBytes !== this.writtenBytes) await file.truncate(this.headerBytes + dataBytes);
      await this.commitHeader(file, dataBytes);
      await file.close();
    } catch (err) {
      const error = asError(err);
      this.fail(error);
      // The file is unusable either way; closing is only to release the descriptor.
      await file.close().catch(() => undefined);
      throw error;
    }
    return {
      path: this.path,
      format: this.format,
      frames: dataBytes / this.frameBytes,
      dataBytes,
      fileBytes: this.headerBytes + dataBytes,
      container: this.container,
    };
  }

  private requestRefresh(): void {
    this.refreshDue = true;
    this.startIo();
  }

  private startIo(): void {
    if (this.ioRunning || this.error) return;
    this.ioRunning = true;
    this.io = this.runIo();
  }

  /** Never rejects: failures are recorded in `error` and reported once. */
  private async runIo(): Promise<void> {
    try {
      const file = this.file ?? (await this.openFile());
      while (!this.error && (this.queue.length > 0 || this.refreshDue)) {
        if (this.queue.length > 0) await this.writeQueued(file);
        // After at most one batch, so a steady stream of appends cannot starve it.
        if (this.refreshDue) await this.refreshHeader(file);
      }
    } catch (err) {
      this.fail(asError(err));
    } finally {
      this.ioRunning = false;
    }
  }

  private async openFile(): Promise<FileHandle> {
    const file = await open(this.path, 'wx');
    this.file = file;
    await writeFully(file, buildWavHeader(this.format, 0, 'wav'), 0);
    return file;
  }

  /** Writes every queued buffer with as few writev calls as the kernel allows. */
  private async writeQueued(file: FileHandle): Promise<void> {
    let batch = this.queue;
    this.queue = [];
    while (batch.length > 0) {
      const { bytesWritten } = await file.writev(batch, this.headerBytes + this.writtenBytes);
      if (bytesWritten === 0) throw new Error(`write to ${this.path} made no progress`);
      this.writtenBytes += bytesWritten;
      batch = withoutWrittenBytes(batch, bytesWritten);
    }
  }

  /** Skipped when no whole frame was written since the last one: the syncs are not free on an SD card. */
  private async refreshHeader(file: FileHandle): Promise<void> {
    this.refreshDue = false;
    const dataBytes = this.wholeFramesWritten();
    if (dataBytes !== this.claimedBytes) await this.commitHeader(file, dataBytes);
  }

  private async commitHeader(file: FileHandle, dataBytes: number): Promise<void> {
    const needsRf64 = this.headerBytes - 8 + dataBytes > this.riffLimit;
    const container = this.container === 'rf64' || needsRf64 ? 'rf64' : 'wav';
    const upgrading = container !== this.container;
    await commitHeader(file, buildWavHeader(this.format, dataBytes, container), upgrading ? DS64_SLOT_OFFSET : undefined);
    this.container = container;
    this.claimedBytes = dataBytes;
  }

  private wholeFramesWritten(): number {
    return this.writtenBytes - (this.writtenBytes % this.frameBytes);
  }

  private fail(error: Error): void {
    if (this.error) return;
    this.error = error;
    this.queue = [];
    clearInterval(this.refreshTimer);
    this.onError?.(error);
  }
}

/** What is left of `buffers` after a write that took their first `written` bytes. */
function withoutWrittenBytes(buffers: Buffer[], written: number): Buffer[] {
  let skipped = 0;
  let index = 0;
  for (const buffer of buffers) {
    if (skipped + buffer.length > written) break;
    skipped += buffer.length;
    index++;
  }
  const rest = buffers.slice(index);
  const first = rest[0];
  if (first && written > skipped) rest[0] = first.subarray(written - skipped);
  return rest;
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
