import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expandPattern, FileNameError, highestCounter, safeFileName } from '../../src/lib/recording/file-names';
import { fatNameProblem } from '../../src/lib/storage/fat-names';
import { FAT32_MAX_FILE_BYTES, filesystemLimits } from '../../src/lib/storage/filesystem-limits';
import { volumeFsType } from '../../src/lib/storage/volume-fs-type';

const tokens = { counter: 7, startedAt: new Date(2026, 0, 2, 3, 4, 5), session: 'abc-123', topic: 'audio/kitchen' };

describe('storage names and limits', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'storage-names-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('knows the limits of FAT, exFAT and the rest', () => {
    const fat = { maxFileBytes: 4 * 1024 ** 3 - 1, fatNames: true };
    for (const type of ['vfat', 'msdos', 'fat', 'fuse.fusefat']) assert.deepEqual(filesystemLimits(type), fat, type);
    assert.equal(FAT32_MAX_FILE_BYTES, 0xffffffff);
    assert.deepEqual(filesystemLimits('exfat'), { fatNames: true });
    for (const type of ['ext4', 'tmpfs', 'ntfs', 'ntfs3', 'fuseblk', 'btrfs']) assert.deepEqual(filesystemLimits(type), { fatNames: false }, type);
  });

  it('refuses names FAT cannot hold and accepts the rest', () => {
    const refused: [string, RegExp][] = [
      ['a:b.wav', /contains ":"/],
      ['what?.wav', /contains "\?"/],
      ['x*"<>|.wav', /contains/],
      ['back\\slash.wav', /contains "\\"/],
      ['tab\there.wav', /control character 0x09/],
      ['trailing.', /ends with a dot or a space/],
      ['trailing ', /ends with a dot or a space/],
      ['CON', /reserved device name/],
      ['nul.wav', /reserved device name/],
      ['Com1.tar.wav', /reserved device name/],
      ['lpt9.wav', /reserved device name/],
      [`${'é'.repeat(252)}.wav`, /longer than the 255/],
    ];
    for (const [name, problem] of refused) assert.match(fatNameProblem(name) ?? 'accepted', problem, name);
    for (const name of ['recording1.wav', 'take 1.WAV', 'console.wav', 'com10.wav', 'lpt.wav', '2026-01-02_03-04-05.wav', `${'é'.repeat(251)}.wav`, 'über-[1].wav']) {
      assert.equal(fatNameProblem(name), undefined, name);
    }
  });

  it('rejects a FAT-invalid expansion or name only for a volume with FAT names', () => {
    assert.equal(expandPattern('rec:{counter}', tokens), 'rec:7.wav');
    assert.throws(() => expandPattern('rec:{counter}', tokens, { fatNames: true }), FileNameError);
    assert.throws(() => expandPattern('aux', tokens, filesystemLimits('vfat')), /reserved device name/);
    assert.equal(expandPattern('{date}_{time}-{topic}', tokens, filesystemLimits('vfat')), '2026-01-02_03-04-05-audio_kitchen.wav');
    assert.throws(() => safeFileName('nul.wav', { fatNames: true }), FileNameError);
    assert.equal(safeFileName('nul.wav'), 'nul.wav');
  });

  it('continues the counter of patterns with date, time and topic tokens', async () => {
    const names = [
      'recording1.wav',
      'recording12.wav',
      'recording12-2.wav',
      'kitchen-2026-01-02-3.wav',
      'kitchen-2026-01-03-11.wav',
      'hall-2026-01-03-40.wav',
      '52026-01-02_03-04-05.wav',
      'take_audio_kitchen_03-04-05_9.wav',
    ];
    for (const name of names) await writeFile(join(dir, name), '');
    await mkdir(join(dir, 'recording99.wav.d'));
    assert.equal(await highestCounter(dir, 'recording{counter}.wav'), 12);
    assert.equal(await highestCounter(dir, 'kitchen-{date}-{counter}.wav'), 11);
    assert.equal(await highestCounter(dir, '{topic}-{date}-{counter}'), 40);
    assert.equal(await highestCounter(dir, '{counter}{datetime}.wav'), 5, 'the date digits are not read as counter');
    assert.equal(await highestCounter(dir, 'take_{topic}_{time}_{counter}.wav'), 9);
  });

  describe('behind a fuseblk mount', () => {
    const udev = () => join(dir, 'udev');
    before(async () => {
      await mkdir(udev());
      await writeFile(join(udev(), 'b8:1'), 'S:disk/by-uuid/1234\nE:ID_FS_USAGE=filesystem\nE:ID_FS_TYPE=exfat\nE:ID_FS_VERSION=1.0\n');
      await writeFile(join(udev(), 'b8:2'), 'E:ID_FS_TYPE=ntfs\n');
    });
    const fuseblk = (source: string, minor: number) => ({ fsType: 'fuseblk', source, major: 8, minor });

    it("tells exFAT and NTFS from udev's record of the device", async () => {
      assert.equal(await volumeFsType(fuseblk('/dev/sda1', 1), udev()), 'exfat');
      assert.equal(await volumeFsType(fuseblk('/dev/sda2', 2), udev()), 'ntfs');
    });

    it("tells them from the source's boot sector when udev has no record, else stays fuseblk", async () => {
      const sector = (oemName: string) => Buffer.concat([Buffer.from([0xeb, 0x76, 0x90]), Buffer.from(oemName, 'latin1'), Buffer.alloc(501)]);
      await writeFile(join(dir, 'exfat.img'), sector('EXFAT   '));
      await writeFile(join(dir, 'ntfs.img'), sector('NTFS    '));
      await writeFile(join(dir, 'other.img'), sector('mkfs.fat'));
      assert.equal(await volumeFsType(fuseblk(join(dir, 'exfat.img'), 9), udev()), 'exfat');
      assert.equal(await volumeFsType(fuseblk(join(dir, 'ntfs.img'), 9), udev()), 'ntfs');
      assert.equal(await volumeFsType(fuseblk(join(dir, 'other.img'), 9), udev()), 'fuseblk');
      assert.equal(await volumeFsType(fuseblk('/dev/nonexistent', 9), udev()), 'fuseblk');
      assert.equal(await volumeFsType({ fsType: 'vfat', source: join(dir, 'ntfs.img'), major: 8, minor: 2 }, udev()), 'vfat', 'only fuseblk is looked behind');
    });
  });
});
