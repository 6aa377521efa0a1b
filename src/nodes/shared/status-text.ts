import type { NodeStatus } from 'node-red';

/** "m:ss" or "h:mm:ss": short enough for a node status. */
export function formatElapsed(ms: number): string {
  const total = Math.floor(ms / 1000);
  const seconds = String(total % 60).padStart(2, '0');
  const minutes = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600);
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** "512 kB", "1.2 MB", "3.4 GB" in decimal units, as file managers show them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1e6) return `${Math.round(bytes / 1e3)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

/** First line of an error message, cut to fit a node status. */
export function shortError(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n')[0] ?? '';
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}

/** The red status of a failure, with its message. */
export function errorStatus(err: unknown): NodeStatus {
  return { fill: 'red', shape: 'ring', text: shortError(err) };
}
