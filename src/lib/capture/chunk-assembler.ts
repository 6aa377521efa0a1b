/**
 * Cuts a stream of PCM into chunks of exactly `chunkBytes` (a whole number of frames).
 * Input that already lines up with chunk boundaries passes through without a copy.
 */
export class ChunkAssembler {
  private pending: Buffer | undefined;
  private pendingBytes = 0;

  constructor(private readonly chunkBytes: number) {}

  push(pcm: Buffer, emit: (chunk: Buffer) => void): void {
    let offset = 0;
    if (this.pendingBytes > 0) {
      offset = this.fill(pcm, 0);
      if (this.pendingBytes < this.chunkBytes) return;
      emit(this.flush());
    }
    while (pcm.length - offset >= this.chunkBytes) {
      emit(pcm.subarray(offset, offset + this.chunkBytes));
      offset += this.chunkBytes;
    }
    if (offset < pcm.length) this.fill(pcm, offset);
  }

  /** Whatever is buffered (less than a chunk), possibly empty; the assembler is empty after. */
  flush(): Buffer {
    const chunk = this.pending?.subarray(0, this.pendingBytes) ?? Buffer.alloc(0);
    this.pending = undefined;
    this.pendingBytes = 0;
    return chunk;
  }

  private fill(pcm: Buffer, offset: number): number {
    this.pending ??= Buffer.allocUnsafe(this.chunkBytes);
    const copied = pcm.copy(this.pending, this.pendingBytes, offset, offset + this.chunkBytes - this.pendingBytes);
    this.pendingBytes += copied;
    return offset + copied;
  }
}
