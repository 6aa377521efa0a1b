import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChunkAssembler } from '../../src/lib/capture/chunk-assembler';

describe('ChunkAssembler', () => {
  it('cuts any input sizes into equal chunks with nothing lost or repeated', () => {
    const assembler = new ChunkAssembler(6);
    const chunks: Buffer[] = [];
    const input = Buffer.from(Array.from({ length: 40 }, (_, i) => i));
    let offset = 0;
    for (const size of [1, 5, 7, 12, 3, 2, 10]) {
      assembler.push(input.subarray(offset, offset + size), (chunk) => chunks.push(Buffer.from(chunk)));
      offset += size;
    }
    assert.ok(chunks.every((c) => c.length === 6));
    assert.equal(chunks.length, 6);
    const rest = assembler.flush();
    assert.deepEqual(Buffer.concat([...chunks, rest]), input);
    assert.equal(assembler.flush().length, 0);
  });

  it('passes aligned input through without copying', () => {
    const assembler = new ChunkAssembler(4);
    const input = Buffer.alloc(8);
    const chunks: Buffer[] = [];
    assembler.push(input, (chunk) => chunks.push(chunk));
    assert.equal(chunks[0]!.buffer, input.buffer);
    assert.equal(chunks[1]!.byteOffset, input.byteOffset + 4);
  });
});
