import { ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { killOnExit } from './kill-on-exit';

/** How gpiomon ended: its last stderr lines, exit code or signal, or the error that kept it from starting. */
export interface GpiomonEnding {
  stderr: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  spawnError?: Error;
}

export interface GpiomonProcessHandlers {
  /** Each line of stdout, in order. */
  line(line: string): void;
  /** Once, when the process is gone and its pipes are closed. */
  end(ending: GpiomonEnding): void;
}

/** Enough of stderr to explain a failure; gpiomon says one or two lines before it exits. */
const STDERR_LINES_KEPT = 20;

/** One gpiomon process: spawned with an argument array (no shell), read line by line, stopped on request. */
export class GpiomonProcess {
  private readonly child: ChildProcess;
  private readonly stderr: string[] = [];
  private readonly gone: Promise<void>;

  constructor(command: string, args: readonly string[], handlers: GpiomonProcessHandlers) {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let spawnError: Error | undefined;
    let spawned = false;
    child.once('spawn', () => (spawned = true));
    // Without a listener an 'error' would be thrown; only one before the spawn means it never ran.
    child.on('error', (err) => {
      if (!spawned) spawnError = err;
    });
    createInterface({ input: child.stdout }).on('line', (line) => handlers.line(line));
    createInterface({ input: child.stderr }).on('line', (line) => {
      this.stderr.push(line);
      if (this.stderr.length > STDERR_LINES_KEPT) this.stderr.shift();
    });
    killOnExit(child);
    this.gone = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        handlers.end({ stderr: [...this.stderr], code, signal, ...(spawnError ? { spawnError } : {}) });
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** SIGTERM, then SIGKILL if it is still there after `graceMs`; resolves once it is gone. */
  async stop(graceMs: number): Promise<void> {
    const child = this.child;
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await this.gone;
      clearTimeout(timer);
    }
    await this.gone;
  }
}
