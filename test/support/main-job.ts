import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
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
