/** A number property of a node's configuration (the editor may save it as text), checked against its range. */
export function configNumber(value: string | number | undefined, fallback: number, what: string, min: number, max: number): number {
  const parsed = value === undefined || value === '' ? fallback : Number(value);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
    throw new RangeError(`${what} must be a number from ${min} to ${max}, got ${String(value)}`);
  }
  return parsed;
}
