import { closeSync, openSync, readSync } from 'node:fs';

/**
 * The header of a WAV file as the bench reads it, independently of the product's own
 * reader (a writer checked only by its own parser proves little).
 */
export interface WavHead {
  container: 'RIFF' | 'RF64';
  channels: number;
  sampleRate: number;
  bitDepth: number;
  /** Offset of the first PCM byte. */
  dataOffset: number;
  /** The data size the header claims (ds64's for RF64). */
  claimedDataBytes: number;
}

const HEAD_BYTES = 4096;

/** Parses RIFF/RF64 chunks up to the data chunk header; undefined when `head` does not reach it yet. */
export function parseWavHead(head: Buffer): WavHead | undefined {
  if (head.length < 12) return undefined;
  const container = head.toString('latin1', 0, 4);
  if ((container !== 'RIFF' && container !== 'RF64') || head.toString('latin1', 8, 12) !== 'WAVE') {
    throw new Error(`not a WAV file (starts with ${JSON.stringify(head.toString('latin1', 0, 4))})`);
  }
  let fmt: Pick<WavHead, 'channels' | 'sampleRate' | 'bitDepth'> | undefined;
  let ds64DataBytes: number | undefined;
  for (let offset = 12; offset + 8 <= head.length; ) {
    const id = head.toString('latin1', offset, offset + 4);
    const size = head.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'data') {
      if (!fmt) throw new Error('data chunk before fmt chunk');
      const claimedDataBytes = container === 'RF64' ? (ds64DataBytes ?? -1) : size;
      return { container, ...fmt, dataOffset: body, claimedDataBytes };
    }
    if (body + size > head.length) return undefined;
    if (id === 'fmt ') {
      fmt = { channels: head.readUInt16LE(body + 2), sampleRate: head.readUInt32LE(body + 4), bitDepth: head.readUInt16LE(body + 14) };
    } else if (id === 'ds64') {
      ds64DataBytes = Number(head.readBigUInt64LE(body + 8));
    }
    offset = body + size + (size % 2);
  }
  return undefined;
}

/** Reads and parses the head of the file at `path`; undefined while its header is not complete. */
export function readWavHead(path: string): WavHead | undefined {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const bytesRead = readSync(fd, head, 0, head.length, 0);
    return parseWavHead(head.subarray(0, bytesRead));
  } finally {
    closeSync(fd);
  }
}
