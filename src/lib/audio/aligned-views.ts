/**
 * Typed-array views of PCM buffers. A view must start at a multiple of its element size;
 * Node's pooled Buffers and slices of them may not, and those are copied first into a spare
 * buffer that is kept for the next call, so there is no allocation once its size has settled.
 */
export class AlignedViews {
  private spare = new ArrayBuffer(0);

  int16(pcm: Buffer): Int16Array {
    const bytes = this.aligned(pcm, 2);
    return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
  }

  int32(pcm: Buffer): Int32Array {
    const bytes = this.aligned(pcm, 4);
    return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  }

  float32(pcm: Buffer): Float32Array {
    const bytes = this.aligned(pcm, 4);
    return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  }

  private aligned(pcm: Buffer, elementSize: number): Uint8Array {
    if (pcm.byteOffset % elementSize === 0) return pcm;
    if (this.spare.byteLength < pcm.length) this.spare = new ArrayBuffer(pcm.length);
    const copy = new Uint8Array(this.spare, 0, pcm.length);
    copy.set(pcm);
    return copy;
  }
}
