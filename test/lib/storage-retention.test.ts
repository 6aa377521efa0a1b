import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordingsToRemove, retentionPolicyProblem, type RetentionPolicy, type StoredFile } from '../../src/lib/storage/retention';

const DAY = 24 * 3600 * 1000;
const NOW = Date.UTC(2026, 5, 1);

/** Five recordings a day apart, a (10 days old, 100 bytes) to e (6 days old, 500 bytes), listed out of order. */
const FILES: StoredFile[] = [
  { name: 'c.wav', bytes: 300, modifiedMs: NOW - 8 * DAY },
  { name: 'a.wav', bytes: 100, modifiedMs: NOW - 10 * DAY },
  { name: 'e.wav', bytes: 500, modifiedMs: NOW - 6 * DAY },
  { name: 'b.wav', bytes: 200, modifiedMs: NOW - 9 * DAY },
  { name: 'd.wav', bytes: 400, modifiedMs: NOW - 7 * DAY },
];

describe('retention', () => {
  const cases: [string, RetentionPolicy, string[], string[]][] = [
    // what, policy, removed, kept names
    ['no limits', {}, [], []],
    ['zeros mean no limit', { keepLast: 0, maxBytes: 0, maxAgeDays: 0 }, [], []],
    ['keepLast', { keepLast: 2 }, ['a.wav', 'b.wav', 'c.wav'], []],
    ['keepLast above the count', { keepLast: 9 }, [], []],
    ['maxBytes: oldest first until the total fits (1500 -> 900)', { maxBytes: 1000 }, ['a.wav', 'b.wav', 'c.wav'], []],
    ['maxBytes exactly met', { maxBytes: 1500 }, [], []],
    ['maxAgeDays: older than 7.5 days', { maxAgeDays: 7.5 }, ['a.wav', 'b.wav', 'c.wav'], []],
    ['maxAgeDays: exactly 8 days old stays', { maxAgeDays: 8 }, ['a.wav', 'b.wav'], []],
    ['the strictest limit wins: keepLast', { keepLast: 1, maxBytes: 1400, maxAgeDays: 9.5 }, ['a.wav', 'b.wav', 'c.wav', 'd.wav'], []],
    ['the strictest limit wins: maxBytes', { keepLast: 4, maxBytes: 500, maxAgeDays: 30 }, ['a.wav', 'b.wav', 'c.wav', 'd.wav'], []],
    ['protected files stay and still count', { keepLast: 2 }, ['b.wav', 'c.wav', 'd.wav'], ['a.wav']],
    ['a protected newest file is never removed', { maxBytes: 100 }, ['a.wav', 'b.wav', 'c.wav', 'd.wav'], ['e.wav']],
    ['protected files alone over the limit: the rest go, the limit stays broken', { maxBytes: 100 }, ['b.wav', 'c.wav', 'd.wav'], ['a.wav', 'e.wav']],
    ['a protected old file does not stop the age limit', { maxAgeDays: 7.5 }, ['b.wav', 'c.wav'], ['a.wav']],
  ];
  for (const [what, policy, removed, keep] of cases) {
    it(what, () => {
      assert.deepEqual(recordingsToRemove(FILES, policy, NOW, new Set(keep)), removed);
    });
  }

  it('orders files with the same time by natural name order (FAT keeps 2-second times)', () => {
    const sameTime = ['recording10.wav', 'recording9.wav', 'recording11.wav'].map((name) => ({ name, bytes: 1, modifiedMs: NOW }));
    assert.deepEqual(recordingsToRemove(sameTime, { keepLast: 1 }, NOW), ['recording9.wav', 'recording10.wav']);
  });

  it('handles no files', () => {
    assert.deepEqual(recordingsToRemove([], { keepLast: 1, maxBytes: 1 }, NOW), []);
  });

  it('refuses policies it cannot apply', () => {
    for (const policy of [{ keepLast: -1 }, { keepLast: 1.5 }, { maxBytes: -1 }, { maxBytes: NaN }, { maxAgeDays: -2 }, { maxAgeDays: Infinity }]) {
      assert.notEqual(retentionPolicyProblem(policy), undefined, JSON.stringify(policy));
      assert.throws(() => recordingsToRemove(FILES, policy, NOW), RangeError);
    }
    assert.equal(retentionPolicyProblem({ keepLast: 3, maxBytes: 1e9, maxAgeDays: 0.5 }), undefined);
  });
});
