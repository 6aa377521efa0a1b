import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PreRollBuffer } from '../../src/lib/capture/pre-roll-buffer';

const bytes = (from: number, count: number) => Buffer.from(Array.from({ length: count }, (_, i) => (from + i) & 0xff));

describe('PreRollBuffer', () => {
  it('keeps the newest bytes across wrap-around, oldest first, none repeated', () => {
    const ring = new PreRollBuffer(10);
    let next = 0;
    for (const size of [3, 4, 5, 1, 9, 2, 7]) {
      ring.push(bytes(next, size));
      next += size;
    }
    assert.deepEqual(ring.take(), bytes(next - 10, 10));
    assert.equal(ring.take().length, 0, 'empty after take');
  });

  it('holds less than its capacity until it fills', () => {
    const ring = new PreRollBuffer(10);
    ring.push(bytes(0, 4));
    assert.deepEqual(ring.take(), bytes(0, 4));
  });

  it('keeps only the end of a push larger than itself', () => {
    const ring = new PreRollBuffer(4);
    ring.push(bytes(0, 3));
    ring.push(bytes(3, 11));
    assert.deepEqual(ring.take(), bytes(10, 4));
  });

  it('with no capacity keeps nothing', () => {
    const ring = new PreRollBuffer(0);
    ring.push(bytes(0, 5));
    assert.equal(ring.take().length, 0);
  });
});
