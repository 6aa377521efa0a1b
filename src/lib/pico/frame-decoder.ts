import { CRC_BYTES, frameCrc, HEADER_BYTES, LinkFrame, MAX_PAYLOAD_BYTES, OFFSET, SYNC } from './link-frame';

/** What the decoder has seen so far; every byte is either in a frame or skipped. */
export interface FrameDecoderStats {
  frames: number;
  /** Bytes that were not part of a good frame: REPL text, torn or damaged frames. */
  bytesSkipped: number;
  crcFailures: number;
  /** Sync words followed by a length above the limit: false syncs. */
  oversizeLengths: number;
  /** Frames cut short: a good frame began before they were complete. */
  tornFrames: number;
}

/** What the bytes at a sync word hold: a good frame's total size, or why not. */
type Verdict = number | 'incomplete' | 'oversize' | 'corrupt';

/**
 * Finds frames in a byte stream cut anywhere (section 1.1 of docs/pico-link-protocol.md). The
 * bytes wait in one buffer that is compacted and grown in place, so nothing is allocated per
 * byte or per push once its size has settled; the sync search is Buffer.indexOf, which runs
 * natively. A failed check drops one byte only, since a real frame may start inside a false one.
 *
 * A frame cut short (bytes lost, a write the Pico gave up) claims more bytes than it has, and
 * the frames after it would wait inside its claimed length until enough bytes came to fail its
 * CRC: while streaming that is soon, but a button press or an end frame on a quiet link would
 * wait for good. So while a frame waits, a complete good frame found starting inside it marks
 * it torn, and decoding goes on from there.
 *
 * Each frame's payload is a copy the receiver may keep.
 */
export class LinkFrameDecoder {
  readonly stats: FrameDecoderStats = { frames: 0, bytesSkipped: 0, crcFailures: 0, oversizeLengths: 0, tornFrames: 0 };
  private bytes: Buffer = Buffer.allocUnsafe(2 * (HEADER_BYTES + MAX_PAYLOAD_BYTES + CRC_BYTES));
  private start = 0;
  private end = 0;
  /** Where the search for a frame inside a waiting one goes on: no complete good frame starts between start and here. */
  private lookaheadFrom = 0;

  constructor(private readonly onFrame: (frame: LinkFrame) => void) {}

  push(chunk: Uint8Array): void {
    this.makeRoom(chunk.length);
    this.bytes.set(chunk, this.end);
    this.end += chunk.length;
    this.scan();
  }

  /** Bytes held waiting for the rest of a frame. */
  get pendingBytes(): number {
    return this.end - this.start;
  }

  private makeRoom(incoming: number): void {
    if (this.end + incoming <= this.bytes.length) return;
    const pending = this.end - this.start;
    if (pending + incoming > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, pending + incoming));
      this.bytes.copy(grown, 0, this.start, this.end);
      this.bytes = grown;
    } else {
      this.bytes.copy(this.bytes, 0, this.start, this.end);
    }
    this.lookaheadFrom = Math.max(0, this.lookaheadFrom - this.start);
    this.start = 0;
    this.end = pending;
  }

  private scan(): void {
    while (this.end - this.start >= SYNC.length) {
      const found = this.findSync(this.start);
      if (found < 0) {
        // The last three bytes may be the start of a sync word cut by the chunking.
        this.skip(this.end - this.start - (SYNC.length - 1));
        return;
      }
      this.skip(found - this.start);
      const verdict = this.check(this.start);
      if (verdict === 'oversize') {
        this.stats.oversizeLengths++;
        this.skip(1);
      } else if (verdict === 'corrupt') {
        this.stats.crcFailures++;
        this.skip(1);
      } else if (verdict === 'incomplete') {
        const next = this.frameInsideWaitingOne();
        if (next < 0) return;
        this.stats.tornFrames++;
        this.skip(next - this.start);
      } else {
        this.deliver(verdict);
      }
    }
  }

  private findSync(from: number): number {
    const found = this.bytes.subarray(from, this.end).indexOf(SYNC);
    return found < 0 ? -1 : from + found;
  }

  private check(at: number): Verdict {
    if (this.end - at < HEADER_BYTES) return 'incomplete';
    const length = this.bytes.readUInt16LE(at + OFFSET.length);
    if (length > MAX_PAYLOAD_BYTES) return 'oversize';
    const covered = HEADER_BYTES + length;
    if (this.end - at < covered + CRC_BYTES) return 'incomplete';
    const good = frameCrc(this.bytes.subarray(at, at + covered)) === this.bytes.readUInt32LE(at + covered);
    return good ? covered + CRC_BYTES : 'corrupt';
  }

  /** The start of a complete good frame after `start`, or -1. What it rules out is not searched again. */
  private frameInsideWaitingOne(): number {
    let from = Math.max(this.start + 1, this.lookaheadFrom);
    for (;;) {
      const at = this.findSync(from);
      if (at < 0) {
        this.lookaheadFrom = Math.max(from, this.end - (SYNC.length - 1));
        return -1;
      }
      const verdict = this.check(at);
      if (typeof verdict === 'number') return at;
      if (verdict === 'incomplete') {
        this.lookaheadFrom = at;
        return -1;
      }
      from = at + 1;
    }
  }

  private deliver(size: number): void {
    const bytes = this.bytes;
    const at = this.start;
    this.start += size;
    this.stats.frames++;
    this.onFrame({
      version: bytes[at + OFFSET.version] as number,
      type: bytes[at + OFFSET.type] as number,
      seq: bytes.readUInt32LE(at + OFFSET.seq),
      sample: bytes.readUInt32LE(at + OFFSET.sample),
      ticks: bytes.readUInt32LE(at + OFFSET.ticks),
      payload: Buffer.from(bytes.subarray(at + HEADER_BYTES, at + size - CRC_BYTES)),
    });
  }

  private skip(count: number): void {
    this.start += count;
    this.stats.bytesSkipped += count;
  }
}
