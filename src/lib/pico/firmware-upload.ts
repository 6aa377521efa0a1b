import { frameCrc } from './link-frame';

/**
 * The MicroPython code that writes a file onto the Pico's flash over the raw REPL, in pieces:
 * one exec opens a temporary file, one per chunk appends to it, one reads it back for its size
 * and CRC, and only once those match does the last one put it in place of the target. So no
 * exec holds more than a chunk (the Pico's heap is ~200 kB, and plain raw REPL keeps the whole
 * code text in RAM), and an upload cut short leaves the old file running.
 */
export interface FileUpload {
  open: string;
  chunks: string[];
  /** Prints "written <size> <crc32>" of the temporary file. */
  check: string;
  /** Replaces the target (littlefs renames over a file; FAT needs it removed first). */
  commit: string;
  /** What the check must print. */
  expected: { size: number; crc: number };
}

/** Raw bytes per chunk: 1368 characters of base64 per exec. */
const UPLOAD_CHUNK_BYTES = 1024;
const WRITTEN = /written (\d+) (\d+)/;

export function fileUpload(target: string, bytes: Buffer): FileUpload {
  // Names go into Python string literals: keep them plain.
  if (!/^[\w.-]+$/.test(target)) throw new RangeError(`upload target must be a plain file name, got ${target}`);
  const part = `${target}.part`;
  const chunks: string[] = [];
  for (let at = 0; at < bytes.length; at += UPLOAD_CHUNK_BYTES) {
    chunks.push(`_f.write(binascii.a2b_base64(b'${bytes.subarray(at, at + UPLOAD_CHUNK_BYTES).toString('base64')}'))\n`);
  }
  return {
    open: `import os, binascii, gc\ngc.collect()\n_f = open('${part}', 'wb')\n`,
    chunks,
    check: [
      '_f.close()',
      'del _f',
      'def _sum(path):',
      '    n = 0',
      '    c = 0',
      "    with open(path, 'rb') as f:",
      '        while True:',
      '            b = f.read(512)',
      '            if not b:',
      '                break',
      '            n += len(b)',
      '            c = binascii.crc32(b, c)',
      '    return n, c',
      `print('written', *_sum('${part}'))`,
      'del _sum',
      '',
    ].join('\n'),
    commit: ['try:', `    os.rename('${part}', '${target}')`, 'except OSError:', `    os.remove('${target}')`, `    os.rename('${part}', '${target}')`, ''].join('\n'),
    expected: { size: bytes.length, crc: frameCrc(bytes) },
  };
}

/** Why the check's output does not confirm the upload, or undefined when it does. */
export function uploadMismatch(upload: FileUpload, checkOutput: string): string | undefined {
  const match = WRITTEN.exec(checkOutput);
  if (!match) return `the Pico did not report the file it wrote (${JSON.stringify(checkOutput.slice(0, 80))})`;
  const size = Number(match[1]);
  const crc = Number(match[2]);
  const { expected } = upload;
  if (size !== expected.size || crc !== expected.crc) {
    return `the Pico wrote ${size} bytes with CRC ${crc}, expected ${expected.size} bytes with CRC ${expected.crc}`;
  }
  return undefined;
}
