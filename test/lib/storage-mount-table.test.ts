import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { parseFstab, readFstab } from '../../src/lib/storage/fstab';
import { decodeMountField, mountPointFor, pathWithin } from '../../src/lib/storage/mount-table';
import { deviceId, parseMountInfo, readMountInfo } from '../../src/lib/storage/mountinfo';
import { ScratchVolumes } from '../support/scratch-volumes';

const MOUNTINFO = [
  '22 27 0:21 / /proc rw,relatime - proc proc rw',
  '27 1 179:2 / / rw,noatime shared:1 - ext4 /dev/mmcblk0p2 rw',
  '30 27 179:1 / /boot/firmware rw,relatime shared:2 - vfat /dev/mmcblk0p1 rw,fmask=0022,codepage=437,errors=remount-ro',
  '41 27 8:1 / /media/pi/MY\\040CARD rw,nosuid,nodev,relatime shared:40 master:1 - exfat /dev/sda1 rw,uid=1000',
  '42 27 179:2 /home/pi/shared /srv/bind\\011tab rw,relatime shared:1 - ext4 /dev/mmcblk0p2 rw',
  '43 27 0:39 / /mnt/fat rw,nosuid,nodev,relatime - fuse.fusefat fusefat rw,user_id=0,group_id=0',
  '44 43 0:40 / /mnt/fat rw,relatime - tmpfs tmpfs rw,size=1024k',
  '45 27 0:41 / /media/card rw - tmpfs a\\134b rw',
  'not a mountinfo line',
  '',
].join('\n');

describe('mount tables', () => {
  it('decodes octal escapes, a run of them as UTF-8 bytes', () => {
    assert.equal(decodeMountField('/media/MY\\040CARD'), '/media/MY CARD');
    assert.equal(decodeMountField('a\\011b\\012c\\134d'), 'a\tb\nc\\d');
    assert.equal(decodeMountField('/media/caf\\303\\251'), '/media/café');
    assert.equal(decodeMountField('/plain\\04'), '/plain\\04', 'an incomplete escape stays as it is');
  });

  it('parses mountinfo: devices, escaped paths, optional fields, bind mount roots, FUSE types', () => {
    const entries = parseMountInfo(MOUNTINFO);
    assert.equal(entries.length, 8, 'the malformed and empty lines are skipped');
    const card = entries.find((entry) => entry.id === 41);
    assert.deepEqual(card, {
      id: 41,
      parentId: 27,
      major: 8,
      minor: 1,
      root: '/',
      mountPoint: '/media/pi/MY CARD',
      options: ['rw', 'nosuid', 'nodev', 'relatime'],
      fsType: 'exfat',
      source: '/dev/sda1',
      superOptions: ['rw', 'uid=1000'],
    });
    const bind = entries.find((entry) => entry.id === 42);
    assert.equal(bind?.root, '/home/pi/shared');
    assert.equal(bind?.mountPoint, '/srv/bind\ttab');
    const fuse = entries.find((entry) => entry.id === 43);
    assert.deepEqual([fuse?.fsType, fuse?.source, fuse?.major, fuse?.minor], ['fuse.fusefat', 'fusefat', 0, 39]);
    assert.equal(entries.find((entry) => entry.id === 45)?.source, 'a\\b');
  });

  it('finds the deepest mount by whole path components, the later of two on one point', () => {
    const entries = parseMountInfo(MOUNTINFO);
    assert.equal(mountPointFor('/media/pi/MY CARD/recordings', entries)?.id, 41);
    assert.equal(mountPointFor('/media/pi/MY CARD', entries)?.id, 41);
    assert.equal(mountPointFor('/media/pi/MY CARDS/x', entries)?.id, 27, 'a longer name is not inside the mount');
    assert.equal(mountPointFor('/media/card2/x', entries)?.id, 27);
    assert.equal(mountPointFor('/boot/firmware/config.txt', entries)?.id, 30);
    assert.equal(mountPointFor('/mnt/fat/x.wav', entries)?.id, 44, 'the tmpfs mounted over the FAT mount hides it');
    assert.equal(mountPointFor('/home/pi', entries)?.id, 27);
    assert.equal(mountPointFor('/x', []), undefined);
    assert.ok(pathWithin('/a/b', '/'));
    assert.ok(pathWithin('/a/b/', '/a/b'));
    assert.ok(!pathWithin('/a', '/a/b'));
  });

  it('parses fstab: comments, tabs, escapes, default options; swap left out', () => {
    const entries = parseFstab(
      [
        '# <file system> <mount point> <type> <options> <dump> <pass>',
        'PARTUUID=1234-02  /  ext4  defaults,noatime  0  1',
        '  # an indented comment',
        'UUID=ABCD-1234\t/media/sd\\040card\tvfat\tnofail,noauto,uid=1000\t0\t0',
        '/dev/sda2 none swap sw 0 0',
        '/swapfile swap swap defaults 0 0',
        'tmpfs /tmp tmpfs',
        '',
      ].join('\n'),
    );
    assert.deepEqual(entries, [
      { source: 'PARTUUID=1234-02', mountPoint: '/', fsType: 'ext4', options: ['defaults', 'noatime'] },
      { source: 'UUID=ABCD-1234', mountPoint: '/media/sd card', fsType: 'vfat', options: ['nofail', 'noauto', 'uid=1000'] },
      { source: 'tmpfs', mountPoint: '/tmp', fsType: 'tmpfs', options: ['defaults'] },
    ]);
  });

  it('reads no fstab entries where there is no fstab', async () => {
    assert.deepEqual(await readFstab('/nonexistent/fstab'), []);
  });

  describe('on this machine', () => {
    let volumes: ScratchVolumes;
    before(async () => {
      volumes = await ScratchVolumes.create('storage-mounts-');
    });
    after(() => volumes?.cleanUp());

    it('reads a real mount whose path has a space, with the device id stat reports', async () => {
      const mountPoint = await volumes.tmpfs('with space', '64k');
      const entry = mountPointFor(mountPoint, await readMountInfo());
      assert.equal(entry?.mountPoint, mountPoint);
      assert.equal(entry?.fsType, 'tmpfs');
      const { dev } = await stat(mountPoint, { bigint: true });
      assert.equal(deviceId(entry.major, entry.minor), dev);
      const root = mountPointFor('/', await readMountInfo());
      assert.equal(deviceId(root?.major ?? -1, root?.minor ?? -1), (await stat('/', { bigint: true })).dev);
    });

    it('encodes large device numbers as glibc makedev does', () => {
      assert.equal(deviceId(8, 1), 0x801n);
      assert.equal(deviceId(259, 0x12345), 0x1231_0345n);
      assert.equal(deviceId(0x1234, 5), (0x1000n << 32n) | (0x234n << 8n) | 5n);
    });
  });
});
