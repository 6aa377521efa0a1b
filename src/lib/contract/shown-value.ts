/** A message value as an error message shows it: a short quoted string, or what kind of thing it is. */
export function shownValue(value: unknown): string {
  if (typeof value === 'string') return `"${value.slice(0, 40)}"`;
  return value === undefined ? 'nothing' : typeof value;
}
