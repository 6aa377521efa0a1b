import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';

/** What pacer.py says when it ends (see there). */
export interface PacerReport {
  periodBytes: number;
  ringBytes: number;
  /** The FIFO's capacity after F_SETPIPE_SZ (more than ringBytes, for late bursts). */
  pipeBytes: number;
  /** What the pacer got: SCHED_FIFO, nice -10 or normal. */
  scheduling: string;
  /** Whether a reader took period 0, starting the card's clock. */
  started: boolean;
  /** Periods written into the ring. */
  written: number;
  /** Indices of the periods the card dropped because the ring was full (overrun). */
  dropped: number[];
  /** The most bytes the ring held: how much of a stall it had to absorb. */
  peakFillBytes: number;
  /** How late the pacer itself ever woke for a due period. */
  maxLateMs: number;
}

export interface PacerOptions {
  sampleRate: number;
  /** Must be 4: the pattern is one 32-bit number per frame (stereo 16-bit). */
  frameBytes: number;
  periodFrames: number;
  ringBytes: number;
}

const SCRIPT = join(__dirname, 'pacer.py');
const READY_TIMEOUT_MS = 10_000;

/**
 * A real-time sound card feeding a FIFO stand-in device, in its own process (python3), so a
 * stall of the process under test does not stall the card.
 */
export class Pacer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly lines: Interface,
    readonly pipeBytes: number,
  ) {}

  static async start(fifo: string, options: PacerOptions): Promise<Pacer> {
    const args = [SCRIPT, fifo, options.sampleRate, options.frameBytes, options.periodFrames, options.ringBytes].map(String);
    const child = spawn('python3', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout! });
    const ready = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`pacer.py did not start within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`pacer.py exited with code ${code} before it was ready`)));
      lines.once('line', (line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
    const [word, pipeBytes] = ready.split(' ');
    if (word !== 'ready') throw new Error(`pacer.py said ${JSON.stringify(ready)}`);
    return new Pacer(child, lines, Number(pipeBytes));
  }

  /** Ends the card and returns its account. */
  async stop(): Promise<PacerReport> {
    const report = new Promise<string>((resolve, reject) => {
      this.lines.once('line', resolve);
      this.child.once('exit', (code) => reject(new Error(`pacer.py exited with code ${code} without a report`)));
    });
    this.child.kill('SIGTERM');
    return JSON.parse(await report) as PacerReport;
  }

  /** For a bench that failed before stop(): the process must not outlive it. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
