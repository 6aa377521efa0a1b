import type { EndReason } from '../contract/audio-chunk';
import type { NameRules } from './file-names';

/**
 * The hidden folder in a storage directory where writers keep their files until they are
 * published: `<directory>/.partial/<writer id>/`, one folder per writer (see ARCHITECTURE.md).
 */
export const PARTIAL_FOLDER = '.partial';

/**
 * The card a WavSessionWriter writes to when a storage node manages it (sd-card). Asked
 * synchronously, from what the storage last found, so that chunks keep their order.
 */
export interface WriterStorage {
  /** Resolves once the storage knows the card's state; the writer takes no chunk before. */
  checked(): Promise<void>;
  /** Why no recording may start now (card missing, free space below the reserve), or undefined. */
  startProblem(): string | undefined;
  /** The filesystem's per-file size limit (FAT32: 4 GiB - 1), or undefined when there is none to plan for. */
  maxFileBytes(): number | undefined;
  /** The naming rules of the card's filesystem. */
  nameRules(): NameRules;
  /** Why a failed write ended a recording: 'disk-full', 'card-removed', or 'error' for anything else. */
  endReason(err: Error): EndReason;
}
