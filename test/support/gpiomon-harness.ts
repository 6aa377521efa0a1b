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
 * log of the calls it gets. install() puts it into this process's environment, which a
 * gpiomon spawned from here inherits (in Node-RED too, started from here); remove() restores
 * the environment and deletes the files.
 */
export class GpiomonStandIn {
  private saved: Partial<Record<(typeof VARIABLES)[number], string>> = {};

  private constructor(
    private readonly version: '1' | '2',
    private readonly directory: string,
  ) {}

  /** A stand-in playing `script` (one step a line), first on PATH until remove(). */
  static async install(version: '1' | '2', script: readonly string[] = []): Promise<GpiomonStandIn> {
    const standIn = new GpiomonStandIn(version, await mkdtemp(join(tmpdir(), 'gpiomon-stand-in-')));
    await writeFile(standIn.scriptPath, script.map((step) => `${step}\n`).join(''));
    standIn.putInEnvironment();
    return standIn;
  }

  private get scriptPath(): string {
    return join(this.directory, 'script');
  }

  private get logPath(): string {
    return join(this.directory, 'calls.jsonl');
  }

  private putInEnvironment(): void {
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

/**
 * A pull-up button to ground read active-low (the physical 'falling' is a press), bouncing, as
 * the watcher and the node tests both play it: pressed at 1000 and released at 1300; held from
 * 2000 to 3500 (1.5 s of event time: a long press at 2000 + 1000); pressed at 4000 and still held.
 * Each test adds how that last press ends.
 */
export const BOUNCY_PRESSES: readonly string[] = [
  scriptedEdge('1000', 'falling'), scriptedEdge('1000.4', 'rising'), scriptedEdge('1001.1', 'falling'), scriptedEdge('1002.6', 'rising'), scriptedEdge('1004.2', 'falling'),
  'wait 30',
  scriptedEdge('1300', 'rising'), scriptedEdge('1300.9', 'falling'), scriptedEdge('1302', 'rising'),
  'wait 30',
  scriptedEdge('2000', 'falling'), scriptedEdge('2001', 'rising'), scriptedEdge('2001.8', 'falling'),
  'wait 30',
  scriptedEdge('3500', 'rising'),
  'wait 30',
  scriptedEdge('4000', 'falling'), scriptedEdge('4000.5', 'rising'), scriptedEdge('4001', 'falling'),
  'wait 30',
];

/** Whether a process is still there (signal 0 probes without sending anything). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
