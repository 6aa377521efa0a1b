import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AudioTimeline } from '../../src/lib/pico/audio-timeline';

const limits = { maxGapSamples: 48000 * 60, maxBackwardSamples: 48000 };

describe('Pico audio timeline', () => {
  it('places frames that follow each other with no gap', () => {
    const timeline = new AudioTimeline(limits);
    assert.deepEqual(timeline.place(0, 512), { gap: 0, skip: 0 });
    assert.deepEqual(timeline.place(512, 256), { gap: 0, skip: 0 });
    assert.deepEqual(timeline.place(768, 512), { gap: 0, skip: 0 });
    assert.deepEqual(timeline.stats, { droppedSamples: 0, gaps: 0, staleFrames: 0, resyncs: 0 });
  });

  it('fills lost frames with exactly their length, the first frame included', () => {
    const timeline = new AudioTimeline(limits);
    assert.deepEqual(timeline.place(512, 512), { gap: 512, skip: 0 });
    assert.deepEqual(timeline.place(2048, 512), { gap: 1024, skip: 0 });
    assert.deepEqual(timeline.stats, { droppedSamples: 1536, gaps: 2, staleFrames: 0, resyncs: 0 });
  });

  it('drops a repeated or older frame, and the repeated head of an overlapping one', () => {
    const timeline = new AudioTimeline(limits);
    timeline.place(0, 512);
    timeline.place(512, 512);
    assert.equal(timeline.place(512, 512), undefined);
    assert.equal(timeline.place(0, 512), undefined);
    assert.deepEqual(timeline.place(1000, 100), { gap: 0, skip: 24 });
    assert.deepEqual(timeline.place(1100, 10), { gap: 0, skip: 0 });
    assert.equal(timeline.stats.staleFrames, 2);
  });

  it('steps over the u32 wrap of the sample index as over any other index', () => {
    const timeline = new AudioTimeline(limits);
    // One frame as long as the whole way up to the wrap brings the index next to it quickly.
    const nearWrap = 2 ** 32 - 1024;
    assert.deepEqual(timeline.place(0, nearWrap), { gap: 0, skip: 0 });
    assert.deepEqual(timeline.place(nearWrap, 512), { gap: 0, skip: 0 });
    // The frame across the wrap (2^32 - 512 .. 2^32) is lost: the next starts at index 0 again.
    assert.deepEqual(timeline.place(0, 512), { gap: 512, skip: 0 });
    assert.deepEqual(timeline.place(512, 512), { gap: 0, skip: 0 });
    assert.equal(timeline.place(2 ** 32 - 512 + 100, 400), undefined, 'an old frame from before the wrap is stale');
    assert.deepEqual(timeline.stats, { droppedSamples: 512, gaps: 1, staleFrames: 1, resyncs: 0 });
  });

  it('follows a jump beyond its limits without filling it, and starts again from 0 after reset', () => {
    const timeline = new AudioTimeline(limits);
    timeline.place(0, 512);
    assert.deepEqual(timeline.place(10 * 60 * 48000, 512), { gap: 0, skip: 0 });
    assert.deepEqual(timeline.place(0, 512), { gap: 0, skip: 0 }, 'far back: a new stream');
    assert.equal(timeline.stats.resyncs, 2);
    timeline.reset();
    assert.deepEqual(timeline.place(0, 512), { gap: 0, skip: 0 });
    assert.equal(timeline.stats.droppedSamples, 0);
  });
});
