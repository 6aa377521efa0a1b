/** Number formatting for the table. */

export function megabytes(bytes: number): string {
  const mb = bytes / 1e6;
  return `${mb >= 100 ? mb.toFixed(0) : mb.toFixed(1)} MB`;
}

export function milliseconds(ms: number): string {
  return `${ms >= 100 ? ms.toFixed(0) : ms.toFixed(2)} ms`;
}

export function times(ratio: number): string {
  if (!Number.isFinite(ratio)) return String(ratio);
  if (ratio >= 100) return `${ratio.toFixed(0)}x`;
  if (ratio >= 0.01) return `${ratio.toFixed(2)}x`;
  return `${ratio.toPrecision(2)}x`;
}

export function rate(value: number, unit: string): string {
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${unit}`;
}
