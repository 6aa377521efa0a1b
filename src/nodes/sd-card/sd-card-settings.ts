import { isAbsolute, resolve } from 'node:path';
import type { CardMonitorOptions } from '../../lib/storage/card-monitor';
import { pathWithin } from '../../lib/storage/mount-table';
import { configNumber } from '../shared/config-number';
import { storageDirectory } from '../shared/storage-directory';

/** sd-card's properties as the editor saves them. */
export interface SdCardConfig {
  directory?: string;
  mountPoint?: string;
  reserveMb?: string | number;
}

/**
 * Checks the config node's properties and turns them into card monitor options (a
 * relative directory: see storageDirectory). `fatMaxFileBytes` is the Node-RED setting
 * sdCardFatMaxFileBytes, which tests set to reach the split at the FAT limit quickly.
 */
export function sdCardSettings(config: SdCardConfig, userDir: string | undefined, fatMaxFileBytes: unknown): CardMonitorOptions {
  const directory = storageDirectory(config.directory, userDir);
  const mountPoint = config.mountPoint?.trim() || undefined;
  if (mountPoint !== undefined) {
    if (!isAbsolute(mountPoint)) throw new RangeError(`the mount point must be an absolute path, got ${mountPoint}`);
    if (!pathWithin(directory, resolve(mountPoint))) throw new RangeError(`the directory ${directory} is not on the mount point ${mountPoint}`);
  }
  if (fatMaxFileBytes !== undefined && !(Number.isSafeInteger(fatMaxFileBytes) && (fatMaxFileBytes as number) > 0)) {
    throw new RangeError(`the setting sdCardFatMaxFileBytes must be a whole number of bytes, got ${String(fatMaxFileBytes)}`);
  }
  return {
    directory,
    ...(mountPoint !== undefined && { mountPoint }),
    reserveBytes: configNumber(config.reserveMb, 50, 'reserve', 0, 1e7) * 1e6,
    ...(fatMaxFileBytes !== undefined && { fatMaxFileBytes: fatMaxFileBytes as number }),
  };
}
