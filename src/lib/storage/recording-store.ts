import { basename } from 'node:path';
import { expandPattern, highestCounter, type NameRules } from '../recording/file-names';
import { publishFiles } from '../recording/publish';
import { listRecordings, type RecordingListing } from './recording-list';
import { deleteRecording, pruneRecordings } from './recording-removal';
import type { RetentionPolicy } from './retention';

export interface RecordingStoreOptions {
  directory: string;
  /** Name pattern of stored recordings (see expandPattern); {counter} goes on after the highest number in the directory. */
  pattern: string;
  retention: RetentionPolicy;
}

export interface StoreRequest {
  /** The recording's files in order: more than one when it was split into parts. */
  files: readonly string[];
  startedAt: Date;
  session: string;
  topic: string;
  /** The naming rules of the card's filesystem. */
  rules: NameRules;
}

export interface StoredFiles {
  /** Where the files are now, in order. */
  paths: string[];
  /** The recording's number: what {counter} became. */
  index: number;
  /** Recordings the retention policy removed afterwards. */
  removed: string[];
  /** Why removing by the retention policy failed; the recording is stored all the same. */
  pruneError?: Error;
}

/**
 * The recordings in a card's directory: stores finished recordings there under numbered
 * names (moved when they are on the card already, copied from another volume), and lists,
 * deletes and prunes them. One operation at a time, so two recordings stored together
 * never take the same number and a prune never races a store.
 */
export class RecordingStore {
  private counter = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: RecordingStoreOptions) {}

  /** Publishes a recording under the next name, then applies the retention policy, never to the files just stored. */
  store(request: StoreRequest, now = Date.now()): Promise<StoredFiles> {
    return this.serial(async () => {
      const { directory, pattern, retention } = this.options;
      // The directory's own numbers count too: after a restart, or for files put there by hand.
      const index = Math.max(this.counter, await highestCounter(directory, pattern)) + 1;
      const { startedAt, session, topic, rules } = request;
      const name = expandPattern(pattern, { counter: index, startedAt, session, topic }, rules);
      const paths = await publishFiles(request.files, directory, name);
      this.counter = index;
      try {
        const removed = await pruneRecordings(directory, retention, now, new Set(paths.map((path) => basename(path))));
        return { paths, index, removed };
      } catch (err) {
        return { paths, index, removed: [], pruneError: err as Error };
      }
    });
  }

  list(): Promise<RecordingListing[]> {
    return this.serial(() => listRecordings(this.options.directory));
  }

  /** Deletes one recording named as a message names it (see deleteRecording). */
  delete(name: unknown): Promise<string> {
    return this.serial(() => deleteRecording(this.options.directory, name));
  }

  /** Applies the retention policy now; returns the names removed. */
  prune(now = Date.now()): Promise<string[]> {
    return this.serial(() => pruneRecordings(this.options.directory, this.options.retention, now));
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
