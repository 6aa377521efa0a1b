import { readdir } from 'node:fs/promises';
import { extname } from 'node:path';
import { fatNameProblem } from '../storage/fat-names';

export class FileNameError extends Error {}

/** What the volume a name is for allows, beyond a plain name (see FilesystemLimits). */
export interface NameRules {
  /** Apply FAT's long-name rules (FAT, exFAT volumes). */
  fatNames?: boolean;
}

export interface NameTokens {
  counter: number;
  startedAt: Date;
  session: string;
  topic: string;
}

const TOKEN = /\{(counter|date|time|datetime|session|topic)\}/g;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/**
 * Expands a file name pattern. Tokens: {counter}, {date} (YYYY-MM-DD), {time} (HH-MM-SS),
 * {datetime} (YYYY-MM-DD_HH-MM-SS), all in local time, {session} and {topic}. Values are made
 * safe for a file name; the result is checked with safeFileName, under `rules`.
 */
export function expandPattern(pattern: string, tokens: NameTokens, rules: NameRules = {}): string {
  const t = tokens.startedAt;
  const date = `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`;
  const time = `${pad(t.getHours())}-${pad(t.getMinutes())}-${pad(t.getSeconds())}`;
  const values: Record<string, string> = {
    counter: String(tokens.counter),
    date,
    time,
    datetime: `${date}_${time}`,
    session: tokens.session,
    topic: tokens.topic,
  };
  return safeFileName(pattern.replace(TOKEN, (_, name: string) => sanitize(values[name] ?? '')), rules);
}

function sanitize(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '');
}

/**
 * A configured name pattern (`fallback` when empty), checked by expanding it once with
 * sample values: a pattern that can never make a safe name throws a FileNameError.
 */
export function checkedPattern(configured: string | undefined, fallback: string): string {
  const pattern = configured?.trim() || fallback;
  expandPattern(pattern, { counter: 1, startedAt: new Date(), session: 'session', topic: 'topic' });
  return pattern;
}

/**
 * Checks that a name is a plain file name inside the storage directory (no separators, no
 * "..", not hidden, no control characters) and gives it a .wav extension if it has none.
 * With `rules.fatNames`, the name must also be one a FAT volume can hold.
 */
export function safeFileName(name: unknown, rules: NameRules = {}): string {
  if (typeof name !== 'string' || name.trim() === '') throw new FileNameError('file name must be a non-empty string');
  const trimmed = name.trim();
  // eslint-disable-next-line no-control-regex
  if (/[/\\\x00-\x1f]/.test(trimmed)) {
    throw new FileNameError(`file name "${trimmed}" must not contain path separators or control characters`);
  }
  if (trimmed.startsWith('.')) throw new FileNameError(`file name "${trimmed}" must not start with a dot`);
  const withExtension = extname(trimmed).toLowerCase() === '.wav' ? trimmed : `${trimmed}.wav`;
  if (Buffer.byteLength(withExtension) > 255) throw new FileNameError('file name is longer than 255 bytes');
  const fatProblem = rules.fatNames ? fatNameProblem(withExtension) : undefined;
  if (fatProblem !== undefined) throw new FileNameError(fatProblem);
  return withExtension;
}

/**
 * Whether `name` is a recording's name: one safeFileName takes unchanged (a .wav name, not
 * hidden, no separators or control characters), so a listed name can also be deleted.
 */
export function isRecordingName(name: string): boolean {
  try {
    return safeFileName(name) === name;
  } catch (err) {
    if (err instanceof FileNameError) return false;
    throw err;
  }
}

/**
 * What each token expands to, as a regular expression: the date and time tokens match only
 * their own digits, so a counter next to them ("{counter}{date}") is read whole, and the
 * text tokens only what sanitize() leaves.
 */
const TOKEN_SHAPES: Record<string, string> = {
  counter: '(\\d+)',
  date: '\\d{4}-\\d{2}-\\d{2}',
  time: '\\d{2}-\\d{2}-\\d{2}',
  datetime: '\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2}',
  session: '[A-Za-z0-9._-]*?',
  topic: '[A-Za-z0-9._-]*?',
};

/** The highest {counter} value among `names` that match the pattern (0 when none). */
export function highestCounterIn(names: readonly string[], pattern: string): number {
  if (!pattern.includes('{counter}')) return 0;
  const parts = pattern.split(TOKEN);
  // split() with a capturing group alternates literal text and token names.
  const source = parts.map((part, i) => (i % 2 === 0 ? escapeRegExp(part) : TOKEN_SHAPES[part])).join('');
  const matcher = new RegExp(`^${source}${extname(pattern) ? '' : '(?:\\.wav)?'}$`, 'i');
  let highest = 0;
  for (const name of names) {
    const match = matcher.exec(name);
    if (match?.[1]) highest = Math.max(highest, Number(match[1]));
  }
  return highest;
}

/** The highest {counter} value among the names in a directory that match the pattern (0 when none, or no directory). */
export async function highestCounter(directory: string, pattern: string): Promise<number> {
  if (!pattern.includes('{counter}')) return 0;
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  return highestCounterIn(names, pattern);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
