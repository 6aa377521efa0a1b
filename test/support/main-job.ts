import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '../..');

/** The README's main job (`npm start` after the build), started as its own process group. */
export class MainJob {
  private output = '';
  readonly process: ChildProcess;

  /** `flow`: a file in examples/ to deploy instead of the default one. */
  constructor(userDir: string, flow?: string) {
    this.process = spawn(process.execPath, [join(root, 'scripts/start-demo.mjs')], {
      cwd: root,
      env: { ...process.env, DEMO_DIR: userDir, PORT: '0', ...(flow && { DEMO_FLOW: flow, DEMO_RESET_FLOW: '1' }) },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.process.stdout!, this.process.stderr!]) {
      stream.on('data', (data: Buffer) => (this.output += data.toString()));
    }
  }

  get log(): string {
    return this.output;
  }

  /** Waits for a line of output matching `pattern`; rejects if the job exits first or after `timeoutMs`. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.output.match(pattern);
      if (match) return match;
      if (this.process.exitCode !== null) throw new Error(`main job exited (${this.process.exitCode}) before ${pattern}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The editor's URL, once Node-RED has started the flows. */
  async started(): Promise<string> {
    const [, url] = await this.waitFor(/Node-RED editor:\s+(\S+)/);
    await this.waitFor(/Started flows/);
    return url!.replace(/\/$/, '');
  }

  /** Presses an inject node's button, as the editor does. */
  async inject(url: string, nodeId: string): Promise<void> {
    const response = await fetch(`${url}/inject/${nodeId}`, { method: 'POST' });
    if (!response.ok) throw new Error(`inject ${nodeId}: HTTP ${response.status}`);
  }

  /** Sends a signal to the whole process group (the start script and Node-RED) and waits for the exit. */
  async stop(signal: NodeJS.Signals): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = once(this.process, 'exit');
    process.kill(-this.process.pid!, signal);
    await exited;
  }
}

/**
 * Main jobs run one after another in one temporary user directory (a restart after a
 * crash finds what the last one left); dispose() kills any still running and removes it.
 */
export class MainJobsInDirectory {
  private readonly jobs: MainJob[] = [];

  private constructor(readonly userDir: string) {}

  static async create(prefix: string): Promise<MainJobsInDirectory> {
    return new MainJobsInDirectory(await mkdtemp(join(tmpdir(), prefix)));
  }

  start(flow?: string): MainJob {
    const job = new MainJob(this.userDir, flow);
    this.jobs.push(job);
    return job;
  }

  async dispose(): Promise<void> {
    for (const job of this.jobs) await job.stop('SIGKILL');
    await rm(this.userDir, { recursive: true, force: true });
  }
}

type ExampleNode = Record<string, unknown>;

/**
 * A copy of examples/<name> adjusted to the test machine (a port, a source), written into
 * `directory` for a MainJob to deploy. `adjust` gets each node by type; a type the example
 * lacks fails the test.
 */
export async function adjustedExample(directory: string, name: string, adjust: (nodeOfType: (type: string) => ExampleNode) => void): Promise<string> {
  const flow = JSON.parse(await readFile(join(root, 'examples', name), 'utf8')) as ExampleNode[];
  adjust((type) => {
    const node = flow.find((candidate) => candidate.type === type);
    if (!node) throw new Error(`examples/${name} has no ${type} node`);
    return node;
  });
  const path = join(directory, name);
  await writeFile(path, JSON.stringify(flow));
  return path;
}
