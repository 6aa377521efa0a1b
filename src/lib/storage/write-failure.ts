import type { EndReason } from '../contract/audio-chunk';

/** A filesystem with no room left (EDQUOT: the writer's quota is used up). */
const FULL = new Set(['ENOSPC', 'EDQUOT']);

/**
 * A volume that went away under an open file: a pulled card reader or USB stick answers
 * EIO (or ENODEV, ENXIO) before its mount is gone; a FUSE filesystem whose program ended,
 * ENOTCONN.
 */
const GONE = new Set(['EIO', 'ENODEV', 'ENXIO', 'ENOTCONN']);

/** Why a failed write ended a recording on a card: 'disk-full', 'card-removed', or 'error' for anything else. */
export function writeFailureReason(err: Error): EndReason {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (FULL.has(code)) return 'disk-full';
  if (GONE.has(code)) return 'card-removed';
  return 'error';
}
