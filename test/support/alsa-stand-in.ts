import { execFile } from 'node:child_process';
import { FileHandle, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AudioFormat } from '../../src/lib/audio/format';

const run = promisify(execFile);

export interface StandInDevice {
  /** The ALSA PCM name the device gets. */
  name: string;
  format: AudioFormat;
  /** Length of the audio in its file; capture no more than this (past the end ALSA repeats the last period). */
  seconds: number;
  /**
   * A FIFO instead of a file: the device then delivers only what the test writes into it
   * (`feed`), so a capture can stay open for as long as the test needs without a flood.
   */
  fifo?: boolean;
  /** The sox effects that make the audio; white noise (every frame differs) when absent. */
  effects?: string[];
}

function soxEncoding(format: AudioFormat): string[] {
  const encoding = format.encoding === 'float' ? 'floating-point' : format.encoding === 'unsigned' ? 'unsigned-integer' : 'signed-integer';
  return ['-r', String(format.sampleRate), '-c', String(format.channels), '-e', encoding, '-b', String(format.bitDepth)];
}

/**
 * ALSA capture devices without a sound card: each is a `file` PCM over the `null` PCM whose
 * `infile` is raw PCM made with sox (white noise, so every frame differs, unless the device
 * asks for other effects). Both arecord and
 * PortAudio open them like cards. The config is self-contained (it does not load the system's
 * alsa.conf): point ALSA_CONFIG_PATH at `configPath`.
 */
export class AlsaStandIn {
  private constructor(
    readonly directory: string,
    readonly configPath: string,
    private readonly files: Map<string, string>,
  ) {}

  static async create(devices: StandInDevice[]): Promise<AlsaStandIn> {
    const directory = await mkdtemp(join(tmpdir(), 'alsa-stand-in-'));
    const files = new Map<string, string>();
    const blocks: string[] = [];
    for (const { name, format, seconds, fifo, effects } of devices) {
      const raw = join(directory, `${name}.raw`);
      if (fifo) await run('mkfifo', [raw]);
      else await run('sox', ['-n', ...soxEncoding(format), '-t', 'raw', raw, ...(effects ?? ['synth', String(seconds), 'whitenoise', 'vol', '0.5'])]);
      files.set(name, raw);
      blocks.push(
        `pcm.${name} {\n    type file\n    slave.pcm { type null }\n    file "/dev/null"\n    infile "${raw}"\n    format "raw"\n` +
          `    hint { show on description "Stand-in ${format.channels} ch ${format.sampleRate} Hz" }\n}`,
      );
    }
    // PortAudio asserts while listing devices unless a default exists.
    blocks.push(`pcm.!default "${devices[0]?.name ?? 'null'}"`);
    const configPath = join(directory, 'asoundrc');
    await writeFile(configPath, `${blocks.join('\n')}\n`);
    return new AlsaStandIn(directory, configPath, files);
  }

  /** The PCM the device delivers, from its first frame. */
  pcm(name: string): Promise<Buffer> {
    return readFile(this.infile(name));
  }

  /** The file (or FIFO) the device reads. */
  infile(name: string): string {
    const file = this.files.get(name);
    if (!file) throw new Error(`no stand-in device ${name}`);
    return file;
  }

  /**
   * Opens a FIFO device's write end once a capture has opened it, and keeps it open (the
   * capture then waits for data, as on a quiet line) until the returned handle is closed.
   */
  feed(name: string): Promise<FileHandle> {
    return open(this.infile(name), 'w');
  }

  dispose(): Promise<void> {
    return rm(this.directory, { recursive: true, force: true });
  }
}
