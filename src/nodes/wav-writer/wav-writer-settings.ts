import { checkedPattern } from '../../lib/recording/file-names';
import { FAT32_MAX_FILE_BYTES } from '../../lib/storage/filesystem-limits';
import { configNumber } from '../shared/config-number';
import { storageDirectory } from '../shared/storage-directory';

/** wav-writer's properties as the editor saves them. */
export interface WavWriterConfig {
  /** The id of an sd-card config node, or empty. */
  storage?: string;
  directory?: string;
  pattern?: string;
  maxDuration?: string | number;
  maxSize?: string | number;
  refresh?: string | number;
  fileLimit?: string;
}

export interface WavWriterSettings {
  /** The sd-card config node the files go to (then sd-store publishes them), or undefined. */
  storageId: string | undefined;
  directory: string;
  pattern: string;
  maxDurationMs: number;
  maxBytes: number;
  refreshIntervalMs: number;
  maxFileBytes: number | undefined;
}

/** Checks the node's properties and turns them into settings (a relative directory: see storageDirectory). */
export function wavWriterSettings(config: WavWriterConfig, userDir: string | undefined): WavWriterSettings {
  const pattern = checkedPattern(config.pattern, 'recording-{datetime}.wav');
  const fileLimit = config.fileLimit || 'none';
  if (fileLimit !== 'none' && fileLimit !== 'fat32') throw new RangeError(`file size limit must be none or fat32, got ${fileLimit}`);
  return {
    storageId: config.storage?.trim() || undefined,
    directory: storageDirectory(config.directory, userDir),
    pattern,
    maxDurationMs: configNumber(config.maxDuration, 0, 'maximum file duration', 0, 31 * 24 * 3600) * 1000,
    maxBytes: configNumber(config.maxSize, 0, 'maximum file size', 0, 1e7) * 1e6,
    refreshIntervalMs: configNumber(config.refresh, 1, 'header refresh interval', 0, 3600) * 1000,
    maxFileBytes: fileLimit === 'fat32' ? FAT32_MAX_FILE_BYTES : undefined,
  };
}
