import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIRMWARE_NAME, FirmwareVersion, formatVersion, parseVersion } from './firmware-version';

/** firmware/pico/main.py in the package: three folders up from src/lib/pico and from dist/lib/pico alike. */
export const BUNDLED_FIRMWARE_PATH = join(__dirname, '..', '..', '..', 'firmware', 'pico', 'main.py');

/** The firmware this package ships, as it is deployed to a Pico. */
export interface BundledFirmware {
  path: string;
  bytes: Buffer;
  version: FirmwareVersion;
  /** What its hello says: 'pico-mic 1.0.0'. */
  text: string;
}

/** The line of main.py that declares its version; the version is the first group. */
export const FIRMWARE_VERSION_LINE = /^FIRMWARE_VERSION = '([^']*)'/m;

/** Reads the firmware file and the version it declares; throws when the file has none. */
export function loadBundledFirmware(path = BUNDLED_FIRMWARE_PATH): BundledFirmware {
  const bytes = readFileSync(path);
  const declared = FIRMWARE_VERSION_LINE.exec(bytes.toString('utf8'))?.[1];
  const version = declared === undefined ? undefined : parseVersion(declared);
  if (!version) throw new Error(`${path} declares no FIRMWARE_VERSION = 'X.Y.Z'`);
  return { path, bytes, version, text: `${FIRMWARE_NAME} ${formatVersion(version)}` };
}
