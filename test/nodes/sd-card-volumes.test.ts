// wav-writer and sd-store on real filesystems (as root): a FAT32 image under fusefat for
// numbering, the FAT file size limit and FAT names; tmpfs mounts of a few hundred kB for a
// card that fills up or runs below its reserve; lazy unmounts for a card pulled mid-recording.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { helper, statusCalls, TestNode } from '../support/node-red';
import { ScratchVolumes } from '../support/scratch-volumes';
import { countingPcm16 } from '../support/scripted-source';
import { loadSdCardFlow, pcmOf, record, stereo16, wavNames } from '../support/sd-card-flow';
import { SessionChunks } from '../support/session-chunks';
import { sleep, waitFor } from '../support/wait';
import { soxInfo } from '../support/wav-readers';

/** Waits until a node's last status has `text`. */
async function statusBecomes(node: TestNode, text: string, timeoutMs = 5000): Promise<void> {
  await waitFor(() => (statusCalls(node).at(-1)?.text === text ? true : undefined), `the status ${text}`, timeoutMs);
}

/** Feeds a recording's data chunks of `frames` frames every `everyMs` until stopped; returns the stop. */
function feed(writer: TestNode, chunks: SessionChunks, frames: number, everyMs: number): () => void {
  let sample = 0;
  const timer = setInterval(() => {
    writer.receive(chunks.data(countingPcm16(sample, frames * 2)));
    sample += frames * 2;
  }, everyMs);
  return () => clearInterval(timer);
}

describe('wav-writer and sd-store on real filesystems', () => {
  let volumes: ScratchVolumes;
  before(async () => {
    volumes = await ScratchVolumes.create('sd-card-volumes-');
  });
  afterEach(async () => {
    await helper.unload();
    helper.settings({});
  });
  after(() => volumes?.cleanUp());

  describe('on a FAT32 card (fusefat)', () => {
    let directory: string;
    before(async () => {
      const mountPoint = await volumes.fusefat(await volumes.fatImage('fat32.img'), 'fat32');
      directory = join(mountPoint, 'recordings');
    });

    it('numbers recordings on after a restart', async () => {
      let flow = await loadSdCardFlow({ card: { directory } });
      record(flow.writer, 's1', 400);
      const first = await flow.stored.next();
      assert.equal(first.payload, join(directory, 'recording1.wav'));
      assert.equal(first.recording.freeBytes, null, 'fusefat does not tell its free space');
      assert.equal(flow.card?.status?.fsType, 'fuse.fusefat');

      await helper.unload();
      flow = await loadSdCardFlow({ card: { directory } });
      record(flow.writer, 's2', 400);
      const second = await flow.stored.next();
      assert.deepEqual([second.payload, second.recording.index], [join(directory, 'recording2.wav'), 2]);
      assert.deepEqual(await pcmOf(second.payload), countingPcm16(0, 800));
      assert.equal((await soxInfo(second.payload)).frames, 400);
    });

    it('splits a recording into parts at the FAT file size limit (made small by a setting) and stores them all', async () => {
      helper.settings({ sdCardFatMaxFileBytes: 16384 } as Parameters<typeof helper.settings>[0]);
      const { writer, finished, stored } = await loadSdCardFlow({ card: { directory } });
      record(writer, 's1', 10000);
      const done = await finished.next();
      assert.equal(done.recording.parts?.length, 3, '4076 frames a part');
      const { payload, recording } = await stored.next();
      assert.deepEqual(recording.storedParts, ['recording3.wav', 'recording3-part2.wav', 'recording3-part3.wav'].map((n) => join(directory, n)));
      assert.equal(payload, recording.storedParts![0]);
      const sizes = await Promise.all(recording.storedParts!.map(async (path) => (await stat(path)).size));
      assert.ok(sizes.every((size) => size <= 16384), `${sizes.join(', ')} bytes`);
      assert.deepEqual((await Promise.all(recording.storedParts!.map(soxInfo))).map((info) => info.frames), [4076, 4076, 1848]);
      const joined = Buffer.concat(await Promise.all(recording.storedParts!.map(pcmOf)));
      assert.deepEqual(joined, countingPcm16(0, 20000), 'no frame lost or repeated between the parts');
    });

    it('refuses names FAT does not allow, and keeps the recording where it is', async () => {
      const { writer, finished, errors } = await loadSdCardFlow({ card: { directory }, store: { pattern: 'rec:{counter}.wav' } });
      const chunks = new SessionChunks('named', stereo16);
      for (const msg of [chunks.start('what?'), chunks.data(countingPcm16(0, 80)), chunks.end()]) writer.receive(msg);
      assert.match((await errors.next()).error.message, /"what\?\.wav" contains "\?", which FAT does not allow.*not started/);

      // More than one 512-byte cluster: fusefat loses a rewrite of the header of a file that fits in one.
      record(writer, 's1', 400);
      const { payload } = await finished.next();
      const refused = await errors.next((m) => m.error.source.id === 'store');
      assert.match(refused.error.message, /"rec:1\.wav" contains ":", which FAT does not allow/);
      assert.deepEqual(await wavNames(dirname(payload)), [basename(payload)], 'the recording waits in the partial folder');
      assert.deepEqual(await wavNames(directory), ['recording1.wav', 'recording2.wav', 'recording3-part2.wav', 'recording3-part3.wav', 'recording3.wav']);
      await rm(payload);
    });
  });

  it('ends a recording on a FAT card that is pulled, and stores it when the card is back', { timeout: 20_000 }, async () => {
    const image = await volumes.fatImage('pulled.img');
    const daemon = await volumes.fusefatDaemon(image, 'pulled');
    const mountPoint = volumes.path('pulled');
    const directory = join(mountPoint, 'recordings');
    const { writer, store, finished, stored, errors } = await loadSdCardFlow({ card: { directory } });
    const chunks = new SessionChunks('s1', stereo16);
    writer.receive(chunks.start());
    const stop = feed(writer, chunks, 400, 50);
    let framesKept: number;
    try {
      await waitFor(async () => ((await wavNames(join(directory, '.partial', 'writer'))).length ? true : undefined), 'the file on the card');
      await sleep(200);
      await volumes.unmount(mountPoint, { lazy: true });
      // Found by the card's own check, every 2 seconds.
      const ended = await finished.next(() => true, 4000);
      assert.equal(ended.recording.reason, 'card-removed');
      framesKept = ended.recording.frames;
      assert.ok(framesKept > 0);
      await sleep(200);
    } finally {
      stop();
    }
    assert.match((await errors.next((m) => m.error.source.id === 'writer')).error.message, /the SD card is missing: nothing is mounted at/);
    assert.match((await errors.next((m) => m.error.source.id === 'store')).error.message, /sd-store.errors.cardMissing/);
    assert.equal(errors.messages.filter((m) => m.error.source.id === 'writer').length, 1, 'the rest of the recording is dropped quietly');
    assert.deepEqual(statusCalls(writer).at(-1)?.fill, 'red');
    assert.ok(statusCalls(store).some((status) => status.text === 'sd-store.status.cardMissing'));
    assert.deepEqual(await readdir(mountPoint), [], 'nothing was written under the empty mount point');

    // The lazily unmounted filesystem goes once wav-writer closed the file: fusefat then writes the image and exits.
    if (daemon.exitCode === null) await once(daemon, 'exit');
    await volumes.fusefat(image, 'pulled');
    const { payload, recording } = await stored.next(() => true, 4000);
    assert.deepEqual([payload, recording.reason], [join(directory, 'recording1.wav'), 'interrupted']);
    assert.equal((await soxInfo(payload)).frames, framesKept, 'every frame wav-writer kept');
    await statusBecomes(writer, 'wav-writer.status.idle');

    record(writer, 's2', 400);
    assert.equal((await stored.next((m) => m.recording.session === 's2')).payload, join(directory, 'recording2.wav'));
  });

  it('ends a recording when the card fills up, keeps a valid file, and records again once there is room', async () => {
    const directory = join(await volumes.tmpfs('full', '256k'), 'recordings');
    const { writer, store, stored, errors } = await loadSdCardFlow({ card: { directory } });
    const chunks = new SessionChunks('s1', stereo16);
    writer.receive(chunks.start());
    for (let i = 0; i < 20; i++) writer.receive(chunks.data(countingPcm16(i * 8000, 8000))); // 320 kB
    const { payload, recording } = await stored.next();
    assert.equal(recording.reason, 'disk-full');
    assert.equal(payload, join(directory, 'recording1.wav'));
    assert.ok(recording.frames > 0 && recording.frames < 80000, `${recording.frames} frames kept`);
    assert.equal((await soxInfo(payload)).frames, recording.frames, 'sox reads the whole file');
    assert.deepEqual(await pcmOf(payload), countingPcm16(0, recording.frames * 2));
    assert.match((await errors.next()).error.message, /ENOSPC/);
    writer.receive(chunks.data(countingPcm16(0, 8000)));
    writer.receive(chunks.end());
    await sleep(100);
    assert.equal(errors.messages.length, 1, 'told once, the rest of the recording dropped quietly');
    await statusBecomes(writer, 'wav-writer.status.diskFull');

    // Node-RED is still up: the card is listed, and a delete makes room for the next recording.
    store.receive({ payload: 'delete', filename: 'recording1.wav' });
    await stored.next((m) => m.payload === 'recording1.wav');
    record(writer, 's2', 1000);
    const next = await stored.next((m) => m.recording?.session === 's2');
    assert.deepEqual([next.payload, next.recording.reason], [join(directory, 'recording2.wav'), 'stop']);
    assert.equal(statusCalls(writer).at(-1)?.text, 'wav-writer.status.idle');
  });

  it('refuses to start below the reserve, and ends a recording that reaches it', async () => {
    const directory = join(await volumes.tmpfs('reserve', '1m'), 'recordings');
    const { writer, store, finished, stored, errors } = await loadSdCardFlow({ card: { directory, reserveMb: 0.5 } });
    await writeFile(join(directory, 'ballast'), Buffer.alloc(600_000));
    store.receive({ payload: 'list' }); // sd-store checks the card at once, for every node that uses it
    await stored.next();
    await statusBecomes(writer, 'wav-writer.status.lowSpace');
    const refused = new SessionChunks('s1', stereo16);
    for (const msg of [refused.start(), refused.data(countingPcm16(0, 80)), refused.end()]) writer.receive(msg);
    assert.match((await errors.next()).error.message, /the SD card has 0\.\d MB free, less than the reserve of 0\.5 MB; the recording was not started/);

    await rm(join(directory, 'ballast'));
    store.receive({ payload: 'list' });
    await statusBecomes(writer, 'wav-writer.status.idle');
    const chunks = new SessionChunks('s2', stereo16);
    writer.receive(chunks.start());
    for (let i = 0; i < 40; i++) writer.receive(chunks.data(countingPcm16(i * 8000, 8000))); // 640 kB
    await waitFor(async () => ((await stat(join(directory, '.partial', 'writer', 'take-1.wav')).catch(() => undefined))?.size ?? 0) > 640_000 || undefined, 'the audio on the card');
    store.receive({ payload: 'list' });
    const ended = await finished.next();
    assert.equal(ended.recording.reason, 'disk-full');
    assert.equal(ended.recording.frames, 160_000, 'everything that came before the check');
    assert.match((await errors.next((m) => m.error.source.id === 'writer', 5000, 1)).error.message, /less than the reserve of 0\.5 MB/);
    assert.equal((await stored.next((m) => m.recording?.session === 's2')).recording.index, 1);
  });

  it('ends a recording on a tmpfs card that is pulled, writes nothing where it was, and records on the next card', async () => {
    const mountPoint = await volumes.tmpfs('tmpfs-card', '1m');
    const directory = join(mountPoint, 'recordings');
    const { writer, store, finished, stored, errors } = await loadSdCardFlow({ card: { directory } });
    const chunks = new SessionChunks('s1', stereo16);
    writer.receive(chunks.start());
    writer.receive(chunks.data(countingPcm16(0, 8000)));
    await waitFor(async () => ((await wavNames(join(directory, '.partial', 'writer'))).length ? true : undefined), 'the file on the card');
    await volumes.unmount(mountPoint, { lazy: true });
    store.receive({ payload: 'list' });
    const ended = await finished.next();
    assert.deepEqual([ended.recording.reason, ended.recording.frames], ['card-removed', 4000]);
    assert.match((await errors.next((m) => m.error.source.id === 'writer')).error.message, /the SD card is missing: nothing is mounted at/);
    // The list, then the finished recording: both refused.
    await errors.next(() => errors.messages.filter((m) => m.error.source.id === 'store').length === 2);
    for (const { error } of errors.messages.filter((m) => m.error.source.id === 'store')) assert.match(error.message, /sd-store.errors.cardMissing: nothing is mounted at/);
    writer.receive(chunks.data(countingPcm16(8000, 8000)));
    assert.deepEqual(await readdir(mountPoint), [], 'nothing under the empty mount point');
    assert.equal(statusCalls(writer).at(-1)?.fill, 'red');

    await volumes.tmpfs('tmpfs-card', '1m');
    store.receive({ payload: 'list' });
    await statusBecomes(writer, 'wav-writer.status.idle');
    record(writer, 's2', 100);
    assert.equal((await stored.next((m) => m.recording?.session === 's2')).payload, join(directory, 'recording1.wav'));
    assert.equal(errors.messages.filter((m) => m.error.source.id === 'writer').length, 1);
  });

  it('copies a recording from a wav-writer on another volume onto the card', async () => {
    const elsewhere = await volumes.tmpfs('elsewhere', '1m');
    const directory = join(await volumes.tmpfs('copy-card', '1m'), 'recordings');
    const { writer, stored } = await loadSdCardFlow({ card: { directory }, writer: { storage: '', directory: elsewhere } });
    record(writer, 's1', 2000);
    const { payload, recording } = await stored.next();
    assert.equal(payload, join(directory, 'recording1.wav'));
    assert.equal(dirname(recording.path), elsewhere);
    assert.deepEqual(await pcmOf(payload), countingPcm16(0, 4000));
    assert.deepEqual(await wavNames(elsewhere), [], 'removed where it was once the copy is safe');
    assert.deepEqual((await readdir(directory)).filter((n) => n.startsWith('.publishing')), []);
  });
});
