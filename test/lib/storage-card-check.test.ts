import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { CardCheck } from '../../src/lib/storage/card-check';
import { filesystemLimits, FAT32_MAX_FILE_BYTES } from '../../src/lib/storage/filesystem-limits';
import { freeSpace } from '../../src/lib/storage/free-space';
import { mountPointFor } from '../../src/lib/storage/mount-table';
import { readMountInfo } from '../../src/lib/storage/mountinfo';
import { ScratchVolumes } from '../support/scratch-volumes';

describe('CardCheck', () => {
  let volumes: ScratchVolumes;
  /** An fstab that does not exist, so the machine's own fstab cannot change the outcome. */
  let noFstab: string;
  before(async () => {
    volumes = await ScratchVolumes.create('storage-card-');
    noFstab = volumes.path('no-fstab');
  });
  after(() => volumes?.cleanUp());

  it('follows a tmpfs card out and back in, and never makes the directory while it is out', async () => {
    const card = await volumes.tmpfs('card', '1m');
    const directory = volumes.path('card', 'recordings', 'kitchen');
    const check = new CardCheck({ directory, fstabPath: noFstab });
    assert.deepEqual(await check.check(), { present: true, mountPoint: card, fsType: 'tmpfs', source: 'tmpfs' });
    assert.equal((await check.ensureDirectory()).present, true);
    assert.deepEqual(await readdir(directory), []);

    await volumes.unmount(card);
    const out = await check.check();
    assert.equal(out.present, false);
    assert.equal(out.mountPoint, card);
    assert.match(out.reason ?? '', /nothing is mounted at/);
    assert.equal((await check.ensureDirectory()).present, false);
    assert.deepEqual(await readdir(card), [], 'nothing was made on the root filesystem under the empty mount point');

    await volumes.tmpfs('card', '1m');
    assert.equal((await check.check()).present, true);
    assert.equal((await check.ensureDirectory()).present, true);
    assert.deepEqual(await readdir(volumes.path('card', 'recordings')), ['kitchen']);
  });

  it('knows a card is missing from fstab (noauto, nofail) or from the mount point given, not from a fresh look', async () => {
    const mountPoint = volumes.path('never mounted');
    await mkdir(mountPoint);
    const directory = `${mountPoint}/recordings`;
    const fstab = volumes.path('fstab');
    await writeFile(fstab, `# test\nUUID=1234-ABCD ${mountPoint.replaceAll(' ', '\\040')} vfat noauto,nofail 0 0\n`);

    assert.equal((await new CardCheck({ directory, fstabPath: noFstab }).check()).present, true, 'without a hint it is just a directory on the root filesystem');
    const fromFstab = await new CardCheck({ directory, fstabPath: fstab }).check();
    assert.deepEqual([fromFstab.present, fromFstab.mountPoint], [false, mountPoint]);
    const given = await new CardCheck({ directory, mountPoint: `${mountPoint}/`, fstabPath: noFstab }).ensureDirectory();
    assert.deepEqual([given.present, given.mountPoint], [false, mountPoint]);
    assert.deepEqual(await readdir(mountPoint), []);
  });

  it('calls a directory on the root filesystem present, with the root filesystem type', async () => {
    const directory = volumes.path('plain', 'dir');
    const state = await new CardCheck({ directory, fstabPath: noFstab }).check();
    // Where /tmp is a tmpfs of its own (Debian 13), that is the mount the directory is on.
    const holder = mountPointFor(directory, await readMountInfo());
    assert.equal(state.present, true);
    assert.equal(state.mountPoint, holder?.mountPoint === '/' ? undefined : holder?.mountPoint);
    assert.equal(state.fsType, holder?.fsType);
  });

  it('compares device ids: a card hidden by a mount over its parent is missing though mountinfo lists it', async () => {
    const card = await volumes.tmpfs('outer/card', '64k');
    const directory = `${card}/recordings`;
    const check = new CardCheck({ directory, fstabPath: noFstab });
    assert.equal((await check.check()).present, true);
    const cover = await volumes.tmpfs('outer', '64k');
    const hidden = await check.check();
    assert.equal(hidden.present, false);
    assert.match(hidden.reason ?? '', /is not on the filesystem mounted at/);
    await volumes.unmount(cover);
    assert.equal((await check.check()).present, true);
  });

  it('follows a FAT32 image mounted with fusefat out and back in; its type gives the FAT limits', async () => {
    const image = await volumes.fatImage('card.img');
    const card = await volumes.fusefat(image, 'fat');
    const directory = `${card}/DCIM/audio`;
    const check = new CardCheck({ directory, fstabPath: noFstab });
    const state = await check.ensureDirectory();
    assert.deepEqual(state, { present: true, mountPoint: card, fsType: 'fuse.fusefat', source: 'fusefat' });
    assert.deepEqual(filesystemLimits(state.fsType ?? ''), { maxFileBytes: FAT32_MAX_FILE_BYTES, fatNames: true });
    assert.equal(await freeSpace(directory), undefined, 'fusefat reports no block counts');

    await volumes.unmount(card);
    assert.equal((await check.check()).present, false);
    assert.equal((await check.ensureDirectory()).present, false);
    assert.deepEqual(await readdir(card), []);

    await volumes.fusefat(image, 'fat');
    assert.equal((await check.check()).present, true);
    assert.deepEqual(await readdir(directory), [], 'the directory made earlier is on the card');
  });

  it('calls a FUSE card whose program died missing (ENOTCONN), not present', async () => {
    const image = await volumes.fatImage('dead.img');
    const daemon = await volumes.fusefatDaemon(image, 'dead');
    const check = new CardCheck({ directory: volumes.path('dead', 'rec'), fstabPath: noFstab });
    assert.equal((await check.check()).present, true);
    daemon.kill('SIGKILL');
    await new Promise((resolve) => daemon.once('exit', resolve));
    const state = await check.check();
    assert.equal(state.present, false);
    assert.match(state.reason ?? '', /cannot be reached \(ENOTCONN\)/);
  });

  it('gives tmpfs no limits and reports its free space', async () => {
    const card = await volumes.tmpfs('small', '1m');
    const state = await new CardCheck({ directory: card, fstabPath: noFstab }).check();
    assert.deepEqual(filesystemLimits(state.fsType ?? ''), { fatNames: false });
    const empty = await freeSpace(card);
    assert.deepEqual(empty, { freeBytes: 1024 * 1024, totalBytes: 1024 * 1024 });
    await writeFile(`${card}/half.bin`, Buffer.alloc(512 * 1024));
    assert.equal((await freeSpace(card))?.freeBytes, 512 * 1024);
  });
});
