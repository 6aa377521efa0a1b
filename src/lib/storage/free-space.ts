import { statfs } from 'node:fs/promises';

export interface FreeSpace {
  /** Bytes an unprivileged writer can still use (the root reserve left out). */
  freeBytes: number;
  totalBytes: number;
}

/** Space on the filesystem holding `path`, or undefined when it reports none (fusefat answers 0 blocks). */
export async function freeSpace(path: string): Promise<FreeSpace | undefined> {
  const { blocks, bavail, bsize } = await statfs(path);
  if (blocks === 0) return undefined;
  return { freeBytes: bavail * bsize, totalBytes: blocks * bsize };
}
