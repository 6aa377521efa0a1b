/**
 * Audio a device delivers between open() and start(): kept, newest first up to a limit as
 * the device's own buffer would, so that it goes out before the live audio.
 */
export class EarlyAudio {
  private buffers: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly limitBytes: number) {}

  hold(pcm: Buffer): void {
    this.buffers.push(pcm);
    this.bytes += pcm.length;
    while (this.bytes > this.limitBytes && this.buffers.length > 1) this.bytes -= this.buffers.shift()?.length ?? 0;
  }

  /** Everything held, oldest first; nothing is held afterwards. */
  release(): Buffer[] {
    const held = this.buffers;
    this.buffers = [];
    this.bytes = 0;
    return held;
  }
}
