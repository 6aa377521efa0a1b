/** A recording on the card as far as retention is concerned. */
export interface StoredFile {
  name: string;
  bytes: number;
  modifiedMs: number;
}

/** Limits on what stays on the card; 0 or undefined means no limit. */
export interface RetentionPolicy {
  /** Keep at most this many recordings. */
  keepLast?: number;
  /** Keep at most this many bytes of recordings. */
  maxBytes?: number;
  /** Remove recordings modified longer ago than this. */
  maxAgeDays?: number;
}

const DAY_MS = 24 * 3600 * 1000;

/** Why a policy cannot be applied, or undefined when it can. */
export function retentionPolicyProblem(policy: RetentionPolicy): string | undefined {
  const { keepLast, maxBytes, maxAgeDays } = policy;
  if (keepLast !== undefined && !(Number.isSafeInteger(keepLast) && keepLast >= 0)) {
    return `keepLast must be a whole number of at least 0, got ${keepLast}`;
  }
  if (maxBytes !== undefined && !(Number.isFinite(maxBytes) && maxBytes >= 0)) return `maxBytes must be at least 0, got ${maxBytes}`;
  if (maxAgeDays !== undefined && !(Number.isFinite(maxAgeDays) && maxAgeDays >= 0)) {
    return `maxAgeDays must be at least 0, got ${maxAgeDays}`;
  }
  return undefined;
}

const byName = new Intl.Collator('en', { numeric: true });

/**
 * Oldest first; files modified at the same time (FAT keeps 2-second times) in natural name
 * order, so recording9 comes before recording10.
 */
export function oldestFirst(a: StoredFile, b: StoredFile): number {
  return a.modifiedMs - b.modifiedMs || byName.compare(a.name, b.name);
}

function limit(value: number | undefined): number {
  return value === undefined || value === 0 ? Infinity : value;
}

/**
 * The names to remove so that every limit of `policy` holds: oldest first, skipping the
 * names in `keep` (files being written or just stored), which still count toward the
 * limits. When the kept files alone break a limit, it stays broken: they are never removed.
 */
export function recordingsToRemove(
  files: readonly StoredFile[],
  policy: RetentionPolicy,
  now: number,
  keep: ReadonlySet<string> = new Set(),
): string[] {
  const problem = retentionPolicyProblem(policy);
  if (problem !== undefined) throw new RangeError(problem);
  const keepLast = limit(policy.keepLast);
  const maxBytes = limit(policy.maxBytes);
  const oldestAllowedMs = now - limit(policy.maxAgeDays) * DAY_MS;
  let count = files.length;
  let bytes = files.reduce((sum, file) => sum + file.bytes, 0);
  const remove: string[] = [];
  for (const file of [...files].sort(oldestFirst)) {
    // Files only get newer and the totals only shrink, so once nothing is over a limit nothing later is.
    if (count <= keepLast && bytes <= maxBytes && file.modifiedMs >= oldestAllowedMs) break;
    if (keep.has(file.name)) continue;
    remove.push(file.name);
    count--;
    bytes -= file.bytes;
  }
  return remove;
}
