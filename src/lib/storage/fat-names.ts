/** Longest long file name FAT stores, in UTF-16 code units (its directory entries hold UTF-16). */
export const FAT_NAME_MAX_UNITS = 255;

// eslint-disable-next-line no-control-regex
const FORBIDDEN = /["*/:<>?\\|\x00-\x1f]/;
/** DOS device names, which Windows takes as the device whatever the extension. */
const DEVICE_NAME = /^(?:CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(?:\..*)?$/i;

/**
 * Why `name` cannot be a file name on a FAT or exFAT volume (so that the card reads back
 * the same in a Windows or camera reader), or undefined when it can. Linux's vfat driver
 * silently drops a trailing dot, which would make two names one, so that is refused too.
 */
export function fatNameProblem(name: string): string | undefined {
  const forbidden = FORBIDDEN.exec(name)?.[0];
  if (forbidden !== undefined) {
    const shown = forbidden < ' ' ? `control character 0x${forbidden.charCodeAt(0).toString(16).padStart(2, '0')}` : `"${forbidden}"`;
    return `${JSON.stringify(name)} contains ${shown}, which FAT does not allow in file names`;
  }
  if (/[. ]$/.test(name)) return `${JSON.stringify(name)} ends with a dot or a space, which FAT does not keep`;
  if (DEVICE_NAME.test(name)) return `${JSON.stringify(name)} is a reserved device name on FAT volumes`;
  if (name.length > FAT_NAME_MAX_UNITS) return `${JSON.stringify(name)} is longer than the ${FAT_NAME_MAX_UNITS} characters FAT allows`;
  return undefined;
}
