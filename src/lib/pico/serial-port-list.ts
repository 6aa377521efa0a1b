import { readdir, readlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SerialPort } from 'serialport';

export interface SerialPortEntry {
  /** What to open: a /dev/serial/by-id name where there is one (it survives replugging), else the device. */
  path: string;
  /** The device node, e.g. /dev/ttyACM0. */
  device: string;
  /** For the picker: maker and serial number, or the by-id name. */
  description: string;
}

export interface SerialPortListing {
  ports: SerialPortEntry[];
  /** Why a lister could not answer; the rest is still listed. */
  problems: string[];
}

/**
 * Serial ports for the editor's picker: serialport's list (which on Linux asks udevadm, absent
 * in containers and minimal systems), and in any case the /dev/serial/by-id links and the
 * /dev/ttyACM* devices (the USB CDC ports a Pico shows up as). `devRoot` is for tests.
 */
export async function listSerialPorts(devRoot = '/dev'): Promise<SerialPortListing> {
  const problems: string[] = [];
  const byDevice = new Map<string, SerialPortEntry>();
  const listed = await SerialPort.list().catch((err: Error) => {
    problems.push(`serial port list: ${err.message}`);
    return [];
  });
  for (const port of listed) {
    const description = [port.manufacturer, port.serialNumber && `(${port.serialNumber})`].filter(Boolean).join(' ') || port.path;
    byDevice.set(port.path, { path: port.path, device: port.path, description });
  }
  for (const entry of await byIdLinks(join(devRoot, 'serial', 'by-id'))) {
    // The by-id name is the path to keep; serialport's maker and serial number, where it had them, describe it better.
    const known = byDevice.get(entry.device);
    byDevice.set(entry.device, { ...entry, description: known && known.description !== known.path ? known.description : entry.description });
  }
  for (const name of await readdir(devRoot).catch(() => [])) {
    const device = join(devRoot, name);
    if (/^ttyACM\d+$/.test(name) && !byDevice.has(device)) byDevice.set(device, { path: device, device, description: name });
  }
  return { ports: [...byDevice.values()].sort((a, b) => a.path.localeCompare(b.path)), problems };
}

/** /dev/serial/by-id/usb-MicroPython_Board_in_FS_mode_e6614c...-if00 -> ../../ttyACM0 */
async function byIdLinks(dir: string): Promise<SerialPortEntry[]> {
  const names = await readdir(dir).catch(() => []);
  const entries = await Promise.all(
    names.map(async (name) => {
      const target = await readlink(join(dir, name)).catch(() => undefined);
      if (target === undefined) return undefined;
      const description = name.replace(/^usb-/, '').replace(/-if\d+(-port\d+)?$/, '').replace(/_/g, ' ');
      return { path: join(dir, name), device: resolve(dir, target), description };
    }),
  );
  return entries.filter((entry): entry is SerialPortEntry => entry !== undefined);
}
