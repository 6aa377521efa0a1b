import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The folder holding the `gpiomon` stand-in: first on PATH, it is the gpiomon the code under test runs. */
export const STAND_IN_DIRECTORY = join(__dirname, 'gpiomon-stand-in');

export interface StandInCall {
  pid: number;
  kind: 'version' | 'help' | 'rejected' | 'monitor';
  argv: string[];
}

const VARIABLES = ['PATH', 'GPIOMON_STAND_IN_VERSION', 'GPIOMON_STAND_IN_SCRIPT', 'GPIOMON_STAND_IN_LOG'] as const;

/**
 * One stand-in setup: a version, a script (see test/support/gpiomon-stand-in/script.mjs) and a
 * log of the calls it gets. install() puts it into this process's environment, which the
 * spawned gpiomon inherits; remove() restores the environment and deletes the files.
 */
export class GpiomonStandIn {
  private saved: Partial<Record<(typeof VARIABLES)[number], string>> = {};

  private constructor(
    readonly version: '1' | '2',
    readonly directory: string,
  ) {}

  static async create(version: '1' | '2', script = ''): Promise<GpiomonStandIn> {
    const standIn = new GpiomonStandIn(version, await mkdtemp(join(tmpdir(), 'gpiomon-stand-in-')));
    await writeFile(standIn.scriptPath, script);
    return standIn;
  }

  get scriptPath(): string {
    return join(this.directory, 'script');
  }

  get logPath(): string {
    return join(this.directory, 'calls.jsonl');
  }

  install(): void {
    for (const name of VARIABLES) this.saved[name] = process.env[name];
    process.env.PATH = `${STAND_IN_DIRECTORY}${delimiter}${process.env.PATH ?? ''}`;
    process.env.GPIOMON_STAND_IN_VERSION = this.version;
    process.env.GPIOMON_STAND_IN_SCRIPT = this.scriptPath;
    process.env.GPIOMON_STAND_IN_LOG = this.logPath;
  }

  async remove(): Promise<void> {
    for (const name of VARIABLES) {
      const value = this.saved[name];
      if (value !== undefined) process.env[name] = value;
      else Reflect.deleteProperty(process.env, name);
    }
    await rm(this.directory, { recursive: true, force: true });
  }

  /** The calls so far, in order. */
  async calls(): Promise<StandInCall[]> {
    const text = await readFile(this.logPath, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as StandInCall);
  }

  async monitorCalls(): Promise<StandInCall[]> {
    return (await this.calls()).filter((call) => call.kind === 'monitor');
  }
}

/**
 * Scripted timestamps sit this far (ms) from zero: far from both host clocks, so a watcher dates
 * them by anchoring on the first event's arrival (see EventClock) and their spacing shows exactly.
 */
export const SCRIPT_BASE_MS = 100_000_000_000n;

/** A script line: the physical line goes to `level`, stamped `ms` (decimal text) after SCRIPT_BASE_MS. */
export function scriptedEdge(ms: string, level: 'rising' | 'falling'): string {
  const [whole = '0', fraction] = ms.split('.');
  return `${SCRIPT_BASE_MS + BigInt(whole)}${fraction ? `.${fraction}` : ''} ${level}`;
}

/** Whether a process is still there (signal 0 probes without sending anything). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
