/**
 * Refreshes a node's status on a timer while something is under way, so a status that
 * shows elapsed time stays current without an update per audio chunk.
 */
export class StatusTicker {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly render: () => void,
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    if (this.timer) return;
    this.render();
    this.timer = setInterval(this.render, this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
