/**
 * Keeps the most recent audio, up to a fixed number of bytes (whole frames), so a
 * recording can begin with what was said just before it was started.
 */
export class PreRollBuffer {
  private readonly ring: Buffer;
  private start = 0;
  private length = 0;

  constructor(capacityBytes: number) {
    this.ring = Buffer.alloc(capacityBytes);
  }

  push(pcm: Buffer): void {
    const capacity = this.ring.length;
    if (capacity === 0) return;
    // Only the newest `capacity` bytes can survive; older ones would be overwritten anyway.
    const kept = pcm.length > capacity ? pcm.subarray(pcm.length - capacity) : pcm;
    const end = (this.start + this.length) % capacity;
    const first = Math.min(kept.length, capacity - end);
    kept.copy(this.ring, end, 0, first);
    kept.copy(this.ring, 0, first);
    const total = this.length + kept.length;
    this.start = total > capacity ? (this.start + total - capacity) % capacity : this.start;
    this.length = Math.min(total, capacity);
  }

  /** The buffered audio, oldest first, as a new buffer; the buffer is empty afterwards. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    const first = Math.min(this.length, this.ring.length - this.start);
    this.ring.copy(out, 0, this.start, this.start + first);
    this.ring.copy(out, first, 0, this.length - first);
    this.start = 0;
    this.length = 0;
    return out;
  }
}
