import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CardMonitor, type CardStatus } from '../../src/lib/storage/card-monitor';
import { FAT32_MAX_FILE_BYTES } from '../../src/lib/storage/filesystem-limits';
import { writeFailureReason } from '../../src/lib/storage/write-failure';
import { ScratchVolumes } from '../support/scratch-volumes';

function errno(code: string): Error {
  return Object.assign(new Error(code), { code });
}

describe('CardMonitor', () => {
  let volumes: ScratchVolumes;
  let noFstab: string;
  const monitors: CardMonitor[] = [];
  /** A monitor that checks only when asked (the poll is an hour), closed after the tests. */
  const watch = (directory: string, reserveBytes = 0, fatMaxFileBytes?: number): CardMonitor => {
    const monitor = new CardMonitor({ directory, reserveBytes, pollMs: 3_600_000, fstabPath: noFstab, ...(fatMaxFileBytes && { fatMaxFileBytes }) });
    monitors.push(monitor);
    return monitor;
  };
  before(async () => {
    volumes = await ScratchVolumes.create('card-monitor-');
    noFstab = volumes.path('no-fstab');
  });
  after(async () => {
    for (const monitor of monitors) monitor.close();
    await volumes?.cleanUp();
  });

  it('makes the directory and the writers’ folders while the card is in, tells subscribers what changed, and never writes while it is out', async () => {
    const card = await volumes.tmpfs('card', '1m');
    const monitor = watch(join(card, 'recordings'), 500_000);
    const seen: CardStatus[] = [];
    monitor.subscribe((status) => seen.push(status));
    const folder = monitor.reservePartialDirectory('writer1');
    assert.equal(folder, join(card, 'recordings', '.partial', 'writer1'));
    await monitor.checked();
    assert.deepEqual(await readdir(folder), [], 'made by the check after it was asked for');
    const [first] = seen;
    assert.deepEqual([first?.present, first?.fsType, first?.limits], [true, 'tmpfs', { fatNames: false }]);
    assert.equal(first?.totalBytes, 1024 * 1024);
    assert.equal(monitor.startProblem(), undefined);
    const count = seen.length;
    await monitor.refresh();
    assert.equal(seen.length, count, 'nothing changed, nothing told');

    await writeFile(join(card, 'ballast'), Buffer.alloc(600_000));
    await monitor.refresh();
    assert.match(monitor.startProblem() ?? '', /has 0\.\d MB free, less than the reserve of 0\.5 MB/);
    assert.equal(monitor.problem()?.reason, 'disk-full');

    await volumes.unmount(card);
    const out = await monitor.refresh();
    assert.equal(out.present, false);
    assert.deepEqual(monitor.problem(), { reason: 'card-removed', message: `the SD card is missing: nothing is mounted at ${card}` });
    assert.equal(monitor.endReason(errno('ENOENT')), 'card-removed', 'any failed write while the card is out');
    assert.deepEqual(await readdir(card), [], 'no folder under the empty mount point');
    assert.equal(seen.at(-1), out);
  });

  it('takes the file size limit and naming rules from the filesystem: FAT32 splits below 4 GiB, or below a smaller limit given', async () => {
    const fat = await volumes.fusefat(await volumes.fatImage('card.img'), 'fat');
    const monitor = watch(join(fat, 'recordings'));
    await monitor.checked();
    assert.deepEqual([monitor.maxFileBytes(), monitor.nameRules()], [FAT32_MAX_FILE_BYTES, { fatNames: true }]);
    assert.equal(monitor.status?.freeBytes, undefined, 'fusefat does not tell its free space');
    assert.equal(monitor.startProblem(), undefined, 'so the reserve cannot refuse a start');
    const small = watch(join(fat, 'recordings'), 0, 65536);
    await small.checked();
    assert.equal(small.maxFileBytes(), 65536);
    const tmpfs = watch(join(await volumes.tmpfs('plain', '64k'), 'recordings'), 0, 65536);
    await tmpfs.checked();
    assert.equal(tmpfs.maxFileBytes(), undefined, 'no limit where the filesystem has none');
  });

  it('names why a write failed: a full card, a card gone, or something else', () => {
    assert.equal(writeFailureReason(errno('ENOSPC')), 'disk-full');
    assert.equal(writeFailureReason(errno('EDQUOT')), 'disk-full');
    for (const code of ['EIO', 'ENODEV', 'ENXIO', 'ENOTCONN']) assert.equal(writeFailureReason(errno(code)), 'card-removed', code);
    assert.equal(writeFailureReason(errno('EACCES')), 'error');
    assert.equal(writeFailureReason(new Error('no code')), 'error');
  });
});
