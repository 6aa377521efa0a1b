import type { FileHandle } from 'node:fs/promises';
import { DS64_PAYLOAD_BYTES } from './ds64';

/** How much of a file is read to find its data chunk: room for LIST, bext, iXML and the like. */
export const HEAD_READ_BYTES = 64 * 1024;

/** The first HEAD_READ_BYTES of the file, or all of it when it is shorter. */
export async function readHead(file: FileHandle): Promise<Buffer> {
  const head = Buffer.alloc(HEAD_READ_BYTES);
  let filled = 0;
  while (filled < head.length) {
    const { bytesRead } = await file.read(head, filled, head.length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return head.subarray(0, filled);
}

export async function writeFully(file: FileHandle, bytes: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await file.write(bytes, done, bytes.length - done, position + done);
    if (bytesWritten === 0) throw new Error(`write to ${position + done} made no progress`);
    done += bytesWritten;
  }
}

/**
 * Writes a rebuilt header (file bytes from offset 0) so that a power cut at any point
 * leaves a readable file:
 * - the data it describes is synced first, so the header never claims bytes that are lost;
 * - when the header turns the file into RF64 (`ds64SlotOffset` is the JUNK chunk it
 *   reuses), the ds64 payload is synced while the chunk is still JUNK, which RIFF readers
 *   skip; only then do "RF64", "ds64" and the 0xFFFFFFFF sizes go out, in one small write
 *   inside the first disk sector.
 */
export async function commitHeader(file: FileHandle, header: Buffer, ds64SlotOffset?: number): Promise<void> {
  await file.datasync();
  if (ds64SlotOffset !== undefined) {
    const payloadStart = ds64SlotOffset + 8;
    await writeFully(file, header.subarray(payloadStart, payloadStart + DS64_PAYLOAD_BYTES), payloadStart);
    await file.datasync();
  }
  await writeFully(file, header, 0);
  await file.datasync();
}
