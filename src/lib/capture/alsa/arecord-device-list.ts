import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CaptureDevice {
  /** The ALSA PCM name to capture from (what arecord -D and mic-in's device setting take). */
  name: string;
  /** What ALSA says about it, first line. */
  description: string;
}

/**
 * Parses `arecord -L`: each PCM name starts a line, its description follows indented.
 * The `null` PCM discards everything and is no microphone, so it is left out.
 */
export function parseArecordList(output: string): CaptureDevice[] {
  const devices: CaptureDevice[] = [];
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue;
    const last = devices.at(-1);
    if (/^\s/.test(line)) {
      if (last && last.description === '') last.description = line.trim();
    } else if (line.trim() !== 'null') {
      devices.push({ name: line.trim(), description: '' });
    }
  }
  return devices;
}

/** Capture PCMs as `arecord -L` lists them. */
export async function listArecordDevices(command = 'arecord'): Promise<CaptureDevice[]> {
  const { stdout } = await run(command, ['-L'], { timeout: 5000 });
  return parseArecordList(stdout);
}
