/**
 * Turns a byte stream (a pipe delivers whatever sizes it likes) into buffers of whole
 * frames, carrying a partial frame over to the next read.
 */
export class FrameAligner {
  private carry: Buffer = Buffer.alloc(0);

  constructor(private readonly frameBytes: number) {}

  /** Whole frames of `bytes` (with any carried partial frame before them); may be empty. */
  push(bytes: Buffer): Buffer {
    const joined = this.carry.length > 0 ? Buffer.concat([this.carry, bytes]) : bytes;
    const whole = joined.length - (joined.length % this.frameBytes);
    // A copy, so the carried bytes do not pin the pipe's whole read buffer.
    this.carry = whole < joined.length ? Buffer.from(joined.subarray(whole)) : Buffer.alloc(0);
    return joined.subarray(0, whole);
  }
}
