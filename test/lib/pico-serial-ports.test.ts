import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { listSerialPorts } from '../../src/lib/pico/serial-port-list';

describe('serial ports for the pico-device picker', () => {
  it('lists /dev/serial/by-id links and ttyACM devices by themselves, whether or not udev answers', async () => {
    const dev = await mkdtemp(join(tmpdir(), 'serial-ports-'));
    try {
      await mkdir(join(dev, 'serial', 'by-id'), { recursive: true });
      for (const name of ['ttyACM0', 'ttyACM1', 'ttyS0', 'ttyACMx']) await writeFile(join(dev, name), '');
      const pico = 'usb-MicroPython_Board_in_FS_mode_e6614c311b7e6f35-if00';
      await symlink('../../ttyACM0', join(dev, 'serial', 'by-id', pico));
      const listing = await listSerialPorts(dev);
      const ours = listing.ports.filter((port) => port.device.startsWith(dev));
      assert.deepEqual(ours, [
        { path: join(dev, 'serial', 'by-id', pico), device: join(dev, 'ttyACM0'), description: 'MicroPython Board in FS mode e6614c311b7e6f35' },
        { path: join(dev, 'ttyACM1'), device: join(dev, 'ttyACM1'), description: 'ttyACM1' },
      ]);
      // Where udevadm is missing (containers, minimal systems) serialport's own list fails: said, not fatal.
      for (const problem of listing.problems) assert.match(problem, /^serial port list: /);
    } finally {
      await rm(dev, { recursive: true, force: true });
    }
  });

  it('answers with nothing, and no error, where there is no /dev/serial at all', async () => {
    const dev = await mkdtemp(join(tmpdir(), 'serial-ports-'));
    try {
      const listing = await listSerialPorts(dev);
      assert.deepEqual(listing.ports.filter((port) => port.device.startsWith(dev)), []);
    } finally {
      await rm(dev, { recursive: true, force: true });
    }
  });
});
