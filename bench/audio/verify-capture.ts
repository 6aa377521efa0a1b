import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { PcmLayout } from './pcm-wav-header';
import { readWavHead } from './wav-head';

const COMPARE_BYTES = 4 << 20;

/**
 * Checks a WAV captured from a regular-file stand-in device: format, the data size its
 * header claims and the file's size for `frames` frames, and every data byte against the
 * device's infile from its first byte (the device delivers the file from the start).
 * Returns the problems found.
 */
export function verifyCapture(path: string, infile: string, layout: PcmLayout, frames: number): string[] {
  const head = readWavHead(path);
  if (!head) return [`${path}: no complete WAV header`];
  const problems: string[] = [];
  if (head.channels !== layout.channels || head.sampleRate !== layout.sampleRate || head.bitDepth !== layout.bitDepth) {
    problems.push(`format ${head.channels} ch ${head.sampleRate} Hz ${head.bitDepth} bit, expected ${layout.channels}/${layout.sampleRate}/${layout.bitDepth}`);
  }
  const expected = frames * layout.channels * (layout.bitDepth / 8);
  if (head.claimedDataBytes !== expected) problems.push(`header claims ${head.claimedDataBytes} data bytes, expected ${expected}`);
  const size = statSync(path).size;
  if (size !== head.dataOffset + expected) problems.push(`file is ${size} bytes, expected ${head.dataOffset + expected}`);
  if (problems.length > 0) return problems;

  const wav = openSync(path, 'r');
  const device = openSync(infile, 'r');
  try {
    const ours = Buffer.alloc(COMPARE_BYTES);
    const theirs = Buffer.alloc(COMPARE_BYTES);
    for (let offset = 0; offset < expected; offset += COMPARE_BYTES) {
      const length = Math.min(COMPARE_BYTES, expected - offset);
      const a = readSync(wav, ours, 0, length, head.dataOffset + offset);
      const b = readSync(device, theirs, 0, length, offset);
      if (a !== length || b !== length || !ours.subarray(0, length).equals(theirs.subarray(0, length))) {
        return [`data differs from the device's file within bytes ${offset}..${offset + length} of ${expected}`];
      }
    }
  } finally {
    closeSync(wav);
    closeSync(device);
  }
  return [];
}
