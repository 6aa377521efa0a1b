import { type FileHandle, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';

/**
 * The prototype all fs.promises FileHandles share, so a test can watch the I/O calls the
 * code under test makes without reaching into it.
 */
export async function fileHandlePrototype(): Promise<FileHandle> {
  const probe = await open(tmpdir(), 'r');
  await probe.close();
  return Object.getPrototypeOf(probe) as FileHandle;
}
