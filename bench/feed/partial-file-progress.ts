import { statSync } from 'node:fs';
import { readWavHead } from '../audio/wav-head';

/**
 * How far wav-writer has got with a file it is writing, read from the file itself (the
 * node does not expose its writer): PCM bytes on disk, and the data size its header claims.
 * The file is `<directory>/.partial/<node id>/<file name>` while it is being recorded.
 */
export class PartialFileProgress {
  private dataOffset: number | undefined;

  constructor(readonly path: string) {}

  /** PCM bytes in the file so far (0 before it exists and has a header). */
  landedBytes(): number {
    const stats = statSync(this.path, { throwIfNoEntry: false });
    if (!stats || stats.size === 0) return 0;
    this.dataOffset ??= readWavHead(this.path)?.dataOffset;
    return this.dataOffset === undefined ? 0 : Math.max(0, stats.size - this.dataOffset);
  }

  /** The data size the header on disk claims; it is brought up to date by the periodic refresh. */
  claimedBytes(): number {
    return readWavHead(this.path)?.claimedDataBytes ?? 0;
  }
}
