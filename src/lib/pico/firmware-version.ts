/** What the project's firmware calls itself in its hello: 'pico-mic 1.0.0' (docs/pico-link-protocol.md, 3.1). */
export const FIRMWARE_NAME = 'pico-mic';

export interface FirmwareVersion {
  major: number;
  minor: number;
  patch: number;
}

const VERSION = /^(\d+)\.(\d+)\.(\d+)$/;

export function parseVersion(text: string): FirmwareVersion | undefined {
  const match = VERSION.exec(text.trim());
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/** The version in a hello's firmware text, or undefined when it is not this project's firmware. */
export function parseFirmwareText(text: string): FirmwareVersion | undefined {
  const prefix = `${FIRMWARE_NAME} `;
  return text.startsWith(prefix) ? parseVersion(text.slice(prefix.length)) : undefined;
}

/** Negative when a is older than b, 0 when the same, positive when newer. */
export function compareVersions(a: FirmwareVersion, b: FirmwareVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function formatVersion(version: FirmwareVersion): string {
  return `${version.major}.${version.minor}.${version.patch}`;
}
