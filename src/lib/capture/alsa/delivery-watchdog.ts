/**
 * Notices a capture that stopped delivering: PortAudio does not tell when a device goes away
 * (a USB microphone pulled out); its stream just delivers nothing more. Checks four times per
 * limit; a check that itself ran late means this process stalled, and audio may be waiting
 * behind it, so that check passes no judgement.
 */
export class DeliveryWatchdog {
  private timer: NodeJS.Timeout | undefined;
  private lastDeliveryAt = 0;
  private lastCheckAt = 0;
  private delivered = false;

  /** `onSilent(delivered)` runs once, after `limitMs` without audio; `delivered` tells whether any came at all. */
  constructor(
    private readonly limitMs: number,
    private readonly onSilent: (delivered: boolean) => void,
  ) {}

  start(): void {
    this.lastDeliveryAt = performance.now();
    this.lastCheckAt = this.lastDeliveryAt;
    const everyMs = this.limitMs / 4;
    this.timer = setInterval(() => this.check(everyMs), everyMs);
    this.timer.unref();
  }

  delivery(): void {
    this.lastDeliveryAt = performance.now();
    this.delivered = true;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private check(everyMs: number): void {
    const now = performance.now();
    const ranLate = now - this.lastCheckAt > 2 * everyMs;
    this.lastCheckAt = now;
    if (ranLate || now - this.lastDeliveryAt < this.limitMs) return;
    this.stop();
    this.onSilent(this.delivered);
  }
}
