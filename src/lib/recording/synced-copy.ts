import { open } from 'node:fs/promises';
import { writeFully } from '../wav/header-io';

const COPY_CHUNK_BYTES = 1024 * 1024;

/**
 * Copies `source` to a new file `target` (never over an existing one), syncs it, and checks
 * that it holds as many bytes as the source did. A plain read/write loop: fusefat, like
 * some other FUSE filesystems, answers the kernel's copy shortcuts with ENOSYS.
 */
export async function copySynced(source: string, target: string): Promise<void> {
  const input = await open(source, 'r');
  try {
    const output = await open(target, 'wx');
    try {
      const expected = (await input.stat()).size;
      const buffer = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
      let position = 0;
      for (;;) {
        const { bytesRead } = await input.read(buffer, 0, buffer.length, position);
        if (bytesRead === 0) break;
        await writeFully(output, buffer.subarray(0, bytesRead), position);
        position += bytesRead;
      }
      await output.sync();
      const copied = (await output.stat()).size;
      if (copied !== expected) throw new Error(`copy of ${source} holds ${copied} bytes, the source ${expected}`);
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}
