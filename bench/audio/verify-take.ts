import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { chunkFrames, fillByte, frameBytes, takeBytes, type TakeSpec } from './chunk-stream';
import { readWavHead } from './wav-head';

/**
 * Checks a finished file against the take that was sent: format, claimed and actual data
 * size, and, at the first and last byte of a spread of chunks, the chunk's fill byte (so
 * chunks are all there, in order, none repeated). Returns the problems found.
 */
export function verifyTake(path: string, take: TakeSpec): string[] {
  const problems: string[] = [];
  const head = readWavHead(path);
  if (!head) return [`${path}: no complete WAV header`];
  const { format } = take;
  if (head.channels !== format.channels || head.sampleRate !== format.sampleRate || head.bitDepth !== format.bitDepth) {
    problems.push(`format ${head.channels} ch ${head.sampleRate} Hz ${head.bitDepth} bit, expected ${format.channels}/${format.sampleRate}/${format.bitDepth}`);
  }
  const expected = takeBytes(take);
  if (head.claimedDataBytes !== expected) problems.push(`header claims ${head.claimedDataBytes} data bytes, expected ${expected}`);
  const size = statSync(path).size;
  if (size !== head.dataOffset + expected) problems.push(`file is ${size} bytes, expected ${head.dataOffset + expected}`);
  if (problems.length > 0) return problems;

  const chunkBytes = chunkFrames(take) * frameBytes(format);
  const chunks = Math.ceil(expected / chunkBytes);
  const probes = new Set([0, 1, Math.floor(chunks / 3), Math.floor(chunks / 2), chunks - 2, chunks - 1].filter((seq) => seq >= 0 && seq < chunks));
  const fd = openSync(path, 'r');
  try {
    const byte = Buffer.alloc(1);
    for (const seq of probes) {
      const first = head.dataOffset + seq * chunkBytes;
      const last = Math.min(first + chunkBytes, head.dataOffset + expected) - 1;
      for (const offset of [first, last]) {
        readSync(fd, byte, 0, 1, offset);
        if (byte[0] !== fillByte(seq)) problems.push(`byte at ${offset} (chunk ${seq}) is ${byte[0]}, expected ${fillByte(seq)}`);
      }
    }
  } finally {
    closeSync(fd);
  }
  return problems;
}
