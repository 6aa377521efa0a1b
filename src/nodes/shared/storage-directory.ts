import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where recordings go when a node names no directory. */
export const DEFAULT_DIRECTORY = 'recordings';

/**
 * A node's storage directory, absolute: as configured ("recordings" when empty), a relative
 * one taken from Node-RED's user directory, the place a Node-RED user expects files to go.
 */
export function storageDirectory(directory: string | undefined, userDir: string | undefined): string {
  return resolve(userDir ?? join(homedir(), '.node-red'), directory?.trim() || DEFAULT_DIRECTORY);
}
