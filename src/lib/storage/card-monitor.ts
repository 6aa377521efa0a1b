import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EndReason } from '../contract/audio-chunk';
import type { NameRules } from '../recording/file-names';
import { PARTIAL_FOLDER, type WriterStorage } from '../recording/writer-storage';
import { CardCheck, type CardCheckOptions } from './card-check';
import { filesystemLimits, type FilesystemLimits } from './filesystem-limits';
import { freeSpace } from './free-space';
import { writeFailureReason } from './write-failure';

export interface CardMonitorOptions extends CardCheckOptions {
  /** Free space to keep: no recording starts below it, and one under way ends when it is reached. */
  reserveBytes: number;
  /** How often the card is checked; default 2000 ms. */
  pollMs?: number;
  /** The per-file limit on FAT instead of FAT32's 4 GiB - 1, so that tests can reach the split. */
  fatMaxFileBytes?: number;
}

/** What the last check of the card found. */
export interface CardStatus {
  present: boolean;
  /** Why the card counts as missing. */
  reason?: string;
  /** The filesystem holding the directory (when present). */
  fsType?: string;
  /** Absent while the card is missing, or when its filesystem does not tell (fusefat). */
  freeBytes?: number;
  totalBytes?: number;
  /** The filesystem's limits; none while the card is missing. */
  limits: FilesystemLimits;
}

/** Why recording on the card cannot start or go on, as an end reason and a message for people. */
export interface CardProblem {
  reason: Extract<EndReason, 'card-removed' | 'disk-full'>;
  message: string;
}

type Listener = (status: CardStatus) => void;

const DEFAULT_POLL_MS = 2000;
const NO_LIMITS: FilesystemLimits = { fatNames: false };

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * Watches the card a storage directory lives on, for the nodes that share it: checks it
 * every few seconds and on demand (present or missing, free space, filesystem limits),
 * makes the directory and the writers' partial folders whenever it is in (never while it
 * is out: they would land under the empty mount point), and tells subscribers what
 * changed. As a WriterStorage it lets a WavSessionWriter refuse starts and end recordings
 * by what it last found.
 */
export class CardMonitor implements WriterStorage {
  readonly directory: string;
  /** `<directory>/.partial`: one folder in it per writer. */
  readonly partialRoot: string;
  private readonly check: CardCheck;
  private readonly partialDirectories = new Set<string>();
  private readonly listeners = new Set<Listener>();
  private readonly timer: NodeJS.Timeout;
  private checking: Promise<CardStatus> | undefined;
  /** The check after the latest change of what is asked of the card (the first one, a partial folder reserved). */
  private settled: Promise<CardStatus>;
  private last: CardStatus | undefined;
  private closed = false;

  constructor(private readonly options: CardMonitorOptions) {
    this.check = new CardCheck(options);
    this.directory = this.check.directory;
    this.partialRoot = join(this.directory, PARTIAL_FOLDER);
    this.timer = setInterval(() => void this.refresh(), options.pollMs ?? DEFAULT_POLL_MS);
    // A card watch must not keep the process alive on its own.
    this.timer.unref();
    this.settled = this.refresh();
  }

  /** What the last check found; undefined before the first one ends. */
  get status(): CardStatus | undefined {
    return this.last;
  }

  /** `<directory>/.partial/<id>`: a writer's own folder on the card, where publishing a finished file is a rename. */
  partialDirectoryFor(id: string): string {
    return join(this.partialRoot, id);
  }

  /** Has a writer's partial folder made whenever the card is in (at once when it is); returns the folder. */
  reservePartialDirectory(id: string): string {
    const path = this.partialDirectoryFor(id);
    this.partialDirectories.add(path);
    // After any check under way, which may have begun before this folder was asked for.
    this.settled = (this.checking ?? Promise.resolve()).then(() => this.refresh());
    return path;
  }

  releasePartialDirectory(id: string): void {
    this.partialDirectories.delete(this.partialDirectoryFor(id));
  }

  /** Calls `listener` with the status now (when known) and whenever it changes; returns the unsubscribe. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.last) listener(this.last);
    return () => this.listeners.delete(listener);
  }

  /** Checks the card now; a call during a check gets that check's result. Never rejects. */
  refresh(): Promise<CardStatus> {
    this.checking ??= this.checkNow().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  /** Why recording cannot start or go on, judged on `status` (default: the last check). */
  problem(status = this.last): CardProblem | undefined {
    if (!status) return { reason: 'card-removed', message: 'the SD card has not been checked yet' };
    if (!status.present) return { reason: 'card-removed', message: `the SD card is missing: ${status.reason ?? 'not mounted'}` };
    const { reserveBytes } = this.options;
    // Where the filesystem does not tell its free space (fusefat), only a failed write can tell it is full.
    if (status.freeBytes !== undefined && status.freeBytes < reserveBytes) {
      return {
        reason: 'disk-full',
        message: `the SD card has ${megabytes(status.freeBytes)} free, less than the reserve of ${megabytes(reserveBytes)}`,
      };
    }
    return undefined;
  }

  /** Resolves once a check has found the card's state with every partial folder reserved so far. */
  checked(): Promise<void> {
    return this.settled.then(() => undefined);
  }

  startProblem(): string | undefined {
    return this.problem()?.message;
  }

  maxFileBytes(): number | undefined {
    return this.last?.limits.maxFileBytes;
  }

  nameRules(): NameRules {
    return { fatNames: this.last?.limits.fatNames ?? false };
  }

  endReason(err: Error): EndReason {
    const reason = writeFailureReason(err);
    // A write into a folder whose card is gone fails in ways of its own (ENOENT, EROFS...).
    return reason === 'error' && this.last?.present === false ? 'card-removed' : reason;
  }

  /** Stops checking; subscribers hear nothing more. */
  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.listeners.clear();
  }

  private async checkNow(): Promise<CardStatus> {
    if (this.closed) return { present: false, reason: 'no longer watched', limits: NO_LIMITS };
    const status = await this.look();
    if (this.closed) return status;
    const changed = JSON.stringify(status) !== JSON.stringify(this.last);
    this.last = status;
    if (changed) for (const listener of this.listeners) listener(status);
    return status;
  }

  private async look(): Promise<CardStatus> {
    try {
      const state = await this.check.ensureDirectory();
      if (!state.present) return { present: false, reason: state.reason ?? 'not mounted', limits: NO_LIMITS };
      await Promise.all([...this.partialDirectories].map((path) => mkdir(path, { recursive: true })));
      const space = await freeSpace(this.directory);
      return {
        present: true,
        ...(state.fsType !== undefined && { fsType: state.fsType }),
        ...(space && { freeBytes: space.freeBytes, totalBytes: space.totalBytes }),
        limits: this.limits(state.fsType),
      };
    } catch (err) {
      // A card that cannot be read or written (EIO, ENOTCONN, EACCES) is as good as missing.
      return { present: false, reason: (err as Error).message, limits: NO_LIMITS };
    }
  }

  private limits(fsType: string | undefined): FilesystemLimits {
    const limits = filesystemLimits(fsType ?? '');
    const { fatMaxFileBytes } = this.options;
    if (limits.maxFileBytes === undefined || fatMaxFileBytes === undefined) return limits;
    return { ...limits, maxFileBytes: Math.min(limits.maxFileBytes, fatMaxFileBytes) };
  }
}
