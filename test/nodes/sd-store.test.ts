// sd-store with wav-writer and the sd-card config node on plain directories: storing, naming,
// commands, retention, and every message field that names a file. Real filesystems (FAT, full
// and pulled cards) are in sd-card-volumes.test.ts.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { buildWavHeader, wavLayout } from '../../src/lib/wav/header';
import { helper, MessageLog, sdCardNode, sdStoreNode, statusCalls, TestNode, wavWriterNode } from '../support/node-red';
import { countingPcm16 } from '../support/scripted-source';
import { ErrorMsg, loadSdCardFlow, pcmOf, record, SdCardFlowOptions, sdCardFlow, stereo16, wavNames, writeWav } from '../support/sd-card-flow';
import { SessionChunks } from '../support/session-chunks';
import { sleep, waitFor } from '../support/wait';

let dir: string;
let outside: string;

/** The flow on a card directory in a plain temp dir (always present). */
function load(options: Partial<SdCardFlowOptions> = {}) {
  return loadSdCardFlow({ ...options, card: { directory: dir, ...options.card } });
}

describe('sd-store with wav-writer on an SD card', () => {
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sd-store-'));
    outside = await mkdtemp(join(tmpdir(), 'sd-store-outside-'));
  });
  afterEach(async () => {
    await helper.unload();
    await rm(dir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('stores what wav-writer finished on the card as recording1.wav and sends the stored message', async () => {
    const { writer, finished, stored } = await load();
    record(writer, 's1', 2000);
    const done = await finished.next();
    assert.equal(dirname(done.payload), join(dir, '.partial', 'writer'), 'wav-writer leaves the file in its folder on the card');
    const { payload, recording } = await stored.next();
    assert.equal(payload, join(dir, 'recording1.wav'));
    assert.equal(recording.storedPath, payload);
    assert.equal(recording.index, 1);
    assert.equal(recording.path, done.payload, 'the rest of msg.recording is as wav-writer sent it');
    assert.deepEqual([recording.session, recording.frames, recording.reason], ['s1', 2000, 'stop']);
    assert.equal(typeof recording.freeBytes, 'number');
    assert.ok(recording.freeBytes! > 0);
    assert.equal(recording.storedParts, undefined);
    assert.deepEqual(await pcmOf(payload), countingPcm16(0, 4000));
    assert.deepEqual(await wavNames(dir), ['recording1.wav']);
    assert.deepEqual(await readdir(join(dir, '.partial', 'writer')), [], 'nothing left in the partial folder');
  });

  it('stores recordings one after another under the next numbers, after numbers already there', async () => {
    await writeWav(join(dir, 'recording7.wav'), 10);
    const { writer, stored } = await load();
    record(writer, 's1', 100);
    record(writer, 's2', 100);
    await stored.next((m) => m.recording.session === 's2');
    assert.deepEqual(stored.messages.map((m) => [m.recording.session, m.recording.index]), [['s1', 8], ['s2', 9]]);
    assert.deepEqual(await wavNames(dir), ['recording7.wav', 'recording8.wav', 'recording9.wav']);
  });

  it('repairs what a crash left in its folder on the card and sd-store stores it', async () => {
    const partial = join(dir, '.partial', 'writer');
    await mkdir(partial, { recursive: true });
    await writeFile(join(partial, 'take-1.wav'), Buffer.concat([buildWavHeader(stereo16, 0, 'wav'), countingPcm16(0, 1001)]));
    const { stored } = await load();
    const { payload, recording } = await stored.next();
    assert.equal(payload, join(dir, 'recording1.wav'));
    assert.deepEqual([recording.reason, recording.frames, recording.session], ['interrupted', 500, '']);
    assert.deepEqual(await pcmOf(payload), countingPcm16(0, 1000));
    assert.deepEqual(await readdir(partial), []);
  });

  it('takes recordings from a wav-writer without a card out of its directory', async () => {
    const { writer, stored } = await load({ writer: { storage: '', directory: outside } });
    record(writer, 's1', 300);
    const { payload, recording } = await stored.next();
    assert.equal(payload, join(dir, 'recording1.wav'));
    assert.equal(dirname(recording.path), outside);
    assert.deepEqual(await wavNames(outside), [], 'moved, not copied');
    assert.deepEqual(await pcmOf(payload), countingPcm16(0, 600));
  });

  it('keeps the last N recordings, never the one just stored', async () => {
    const { writer, stored } = await load({ store: { keepLast: 2 } });
    for (const session of ['s1', 's2', 's3']) {
      record(writer, session, 100);
      await stored.next((m) => m.recording.session === session);
    }
    assert.deepEqual(await wavNames(dir), ['recording2.wav', 'recording3.wav']);
  });

  it('lists, deletes and prunes on command, in msg.payload or msg.command', async () => {
    await writeWav(join(dir, 'old.wav'), 8000);
    await utimes(join(dir, 'old.wav'), new Date('2020-01-01'), new Date('2020-01-01'));
    await writeWav(join(dir, 'recording1.wav'), 4000);
    await writeWav(join(dir, 'recording2.wav'), 2000);
    await mkdir(join(dir, 'folder.wav'));
    const { store, stored } = await load({ store: { maxAgeDays: 30 } });

    store.receive({ payload: 'list' });
    const listing = (await stored.next()).payload as unknown as { name: string; bytes: number; durationMs: number; modifiedAt: string }[];
    assert.deepEqual(listing.map((r) => [r.name, r.durationMs]), [['old.wav', 1000], ['recording1.wav', 500], ['recording2.wav', 250]]);
    assert.equal(listing[0]!.bytes, wavLayout(stereo16).headerBytes + 8000 * 4);
    assert.equal(listing[0]!.modifiedAt, '2020-01-01T00:00:00.000Z');

    store.receive({ command: 'delete', filename: 'recording1' });
    assert.equal((await stored.next(() => true, 5000, 1)).payload, 'recording1.wav');
    store.receive({ payload: 'PRUNE' });
    assert.deepEqual((await stored.next(() => true, 5000, 2)).payload, ['old.wav']);
    assert.deepEqual(await wavNames(dir), ['folder.wav', 'recording2.wav']);
  });

  it('refuses anything that is not a recording or a command, so Catch nodes see it', async () => {
    const { store, errors } = await load();
    for (const payload of ['format', 42, undefined]) store.receive({ payload });
    const caught = await errors.next(() => errors.messages.length === 3);
    assert.match(caught.error.message, /expected a finished recording in msg.recording.*"list", "delete" or "prune"/);
  });

  describe('refuses a delete of anything but a recording in the directory', () => {
    const cases: [string, unknown, RegExp][] = [
      ['a parent directory', '../escape.wav', /path separators/],
      ['an absolute path', '/etc/hostname', /path separators/],
      ['a subfolder', 'sub/x.wav', /path separators/],
      ['".."', '..', /must not start with a dot/],
      ['a hidden name', '.partial', /must not start with a dot/],
      ['a backslash', 'a\\b.wav', /path separators/],
      ['a control character', 'a\nb.wav', /control characters/],
      ['an empty name', '', /non-empty string/],
      ['a number', 42, /non-empty string/],
      ['a symbolic link', 'link.wav', /symbolic link/],
      ['a folder', 'folder.wav', /not a regular file/],
      ['a missing file', 'missing.wav', /no recording "missing.wav"/],
    ];
    for (const [what, filename, message] of cases) {
      it(what, async () => {
        await writeWav(join(outside, 'target.wav'), 10);
        await symlink(join(outside, 'target.wav'), join(dir, 'link.wav'));
        await mkdir(join(dir, 'folder.wav'));
        const { store, stored, errors } = await load();
        store.receive({ payload: 'delete', filename });
        const caught = await errors.next();
        assert.match(caught.error.message, message);
        assert.equal(caught.error.source.id, 'store');
        assert.equal(stored.messages.length, 0);
        assert.deepEqual(await readdir(outside), ['target.wav']);
        assert.deepEqual((await readdir(dir)).sort(), ['.partial', 'folder.wav', 'link.wav']);
      });
    }
  });

  describe('refuses a recording that is not a finished file of a wav-writer', () => {
    const partial = (): string => join(dir, '.partial', 'writer');
    const cases: [string, () => unknown, RegExp][] = [
      ['not an object', () => 'recording.wav', /msg.recording must be the "recording finished" object/],
      ['no path', () => ({ frames: 1 }), /msg.recording.path must be the path/],
      ['a path outside every wav-writer folder', () => ({ path: join(outside, 'target.wav') }), /not in a folder a wav-writer writes to/],
      ['a system file', () => ({ path: '/etc/passwd' }), /not named like a recording/],
      ['a relative path', () => ({ path: 'target.wav' }), /not a plain absolute path/],
      ['a path that climbs out', () => ({ path: `${partial()}/../../../${outside.split('/').pop()}/target.wav` }), /not a plain absolute path/],
      ['a hidden file', () => ({ path: join(partial(), '.hidden.wav') }), /not named like a recording/],
      ['a symbolic link to a file outside', () => ({ path: join(partial(), 'link.wav') }), /symbolic link/],
      ['a folder', () => ({ path: join(partial(), 'folder.wav') }), /not a regular file/],
      ['a file that is not a WAV', () => ({ path: join(partial(), 'text.wav') }), /not a WAV file/],
      ['a file still being written', () => ({ path: join(partial(), 'open.wav') }), /not a finished WAV file/],
      ['a missing file', () => ({ path: join(partial(), 'gone.wav') }), /does not exist/],
      ['a part outside', () => ({ path: join(partial(), 'done.wav'), parts: [join(partial(), 'done.wav'), join(outside, 'target.wav')] }), /not in a folder/],
      ['parts that do not begin with the path', () => ({ path: join(partial(), 'done.wav'), parts: [join(outside, 'target.wav')] }), /its path first/],
      ['a part named twice', () => ({ path: join(partial(), 'done.wav'), parts: [join(partial(), 'done.wav'), join(partial(), 'done.wav')] }), /names a file twice/],
    ];
    for (const [what, recording, message] of cases) {
      it(what, async () => {
        await writeWav(join(outside, 'target.wav'), 10);
        await mkdir(join(partial(), 'folder.wav'), { recursive: true });
        await symlink(join(outside, 'target.wav'), join(partial(), 'link.wav'));
        await writeFile(join(partial(), 'text.wav'), 'not audio at all, but long enough to have a header'.repeat(4));
        await writeFile(join(partial(), 'open.wav'), Buffer.concat([buildWavHeader(stereo16, 0, 'wav'), countingPcm16(0, 40)]));
        await writeWav(join(partial(), 'done.wav'), 10);
        // The leftovers above would be recovered (and some stored) by wav-writer: this flow has none.
        const { store, errors, stored } = await loadSdCardFlow({ card: { directory: dir } }, ['wav-writer']);
        store.receive({ payload: join(partial(), 'done.wav'), recording: recording() });
        assert.match((await errors.next()).error.message, message);
        await sleep(20);
        assert.equal(stored.messages.length, 0);
        assert.deepEqual(await wavNames(dir), [], 'nothing was stored');
        assert.deepEqual(await readdir(outside), ['target.wav']);
        assert.deepEqual((await readdir(partial())).sort(), ['done.wav', 'folder.wav', 'link.wav', 'open.wav', 'text.wav']);
      });
    }
  });

  it('shows the free space and the last recording stored, status texts as i18n keys', async () => {
    const { writer, store, stored } = await load();
    await waitFor(() => (statusCalls(store).at(-1)?.text === 'sd-store.status.free' ? true : undefined), 'the free space status');
    record(writer, 's1', 100);
    await stored.next();
    assert.deepEqual(statusCalls(store).at(-1), { fill: 'green', shape: 'dot', text: 'sd-store.status.stored' });
    assert.deepEqual(statusCalls(writer).at(-1), { fill: 'grey', shape: 'ring', text: 'wav-writer.status.idle' });
  });

  it('refuses everything while the card is missing and makes nothing under its empty mount point', async () => {
    const mountPoint = join(dir, 'card');
    await mkdir(mountPoint);
    const { writer, store, errors, finished } = await load({ card: { mountPoint, directory: join(mountPoint, 'recordings') } });
    assert.deepEqual(statusCalls(writer).at(-1), { fill: 'red', shape: 'ring', text: 'wav-writer.status.cardMissing' });
    await waitFor(() => (statusCalls(store).at(-1)?.text === 'sd-store.status.cardMissing' ? true : undefined), 'the card missing status');
    const chunks = new SessionChunks('s1', stereo16);
    for (const msg of [chunks.start(), chunks.data(countingPcm16(0, 80)), chunks.data(countingPcm16(80, 80)), chunks.end()]) writer.receive(msg);
    const refused = await errors.next();
    assert.match(refused.error.message, /SD card is missing: nothing is mounted at .*; the recording was not started/);
    store.receive({ payload: 'list' });
    assert.match((await errors.next((m) => m.error.source.id === 'store')).error.message, /sd-store.errors.cardMissing: nothing is mounted/);
    await sleep(50);
    assert.equal(errors.messages.length, 2, 'the rest of the refused recording is dropped quietly');
    assert.equal(finished.messages.length, 0);
    assert.deepEqual(await readdir(mountPoint), []);
  });

  it('reports a wav-writer or sd-store whose SD card configuration is missing', async () => {
    await helper.load([sdCardNode, wavWriterNode, sdStoreNode], sdCardFlow({ card: { directory: dir } }).filter((n) => n.type !== 'sd-card'));
    const errors = new MessageLog<ErrorMsg>(helper.getNode('errors'));
    (helper.getNode('writer') as TestNode).receive({ payload: 'stop' });
    (helper.getNode('store') as TestNode).receive({ payload: 'list' });
    await errors.next(() => errors.messages.length === 2);
    for (const { error } of errors.messages) assert.match(error.message, /SD card configuration \(card\) is missing/);
  });

  for (const [what, card] of [
    ['a relative mount point', { mountPoint: 'media/card' }],
    ['a directory off its mount point', { mountPoint: '/media/card' }],
  ] as const) {
    it(`reports a wav-writer or sd-store whose SD card configuration is not valid: ${what}`, async () => {
      await helper.load([sdCardNode, wavWriterNode, sdStoreNode], sdCardFlow({ card: { directory: dir, ...card } }));
      const errors = new MessageLog<ErrorMsg>(helper.getNode('errors'));
      (helper.getNode('writer') as TestNode).receive({ payload: 'stop' });
      (helper.getNode('store') as TestNode).receive({ payload: 'list' });
      await errors.next(() => errors.messages.length === 2);
      for (const { error } of errors.messages) assert.match(error.message, /SD card configuration "card" is not valid/);
      assert.deepEqual(await readdir(dir), [], 'nothing made anywhere');
    });
  }
});
