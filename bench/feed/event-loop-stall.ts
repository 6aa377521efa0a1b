/** One block of the event loop: when it began (ms after start()) and how long it lasted. */
export interface LoopBlock {
  atMs: number;
  ms: number;
}

/**
 * Blocks this process's event loop (a busy-wait on the main thread, as a heavy function node
 * or a synchronous library call in the same Node-RED does) for `blockMs` every `everyMs`.
 * Threads outside the event loop (libuv's pool, PortAudio's) and other processes keep running.
 */
export class EventLoopStaller {
  readonly blocks: LoopBlock[] = [];
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;

  constructor(
    readonly blockMs: number,
    readonly everyMs: number,
  ) {}

  start(): void {
    this.stop();
    this.startedAt = performance.now();
    this.timer = setInterval(() => this.block(), this.everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private block(): void {
    const began = performance.now();
    while (performance.now() - began < this.blockMs);
    this.blocks.push({ atMs: began - this.startedAt, ms: performance.now() - began });
  }
}
