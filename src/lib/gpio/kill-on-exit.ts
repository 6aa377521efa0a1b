import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();

/**
 * Kills `child` if this process exits while it still runs (an exit without close(): a
 * process.exit() somewhere). A gpiomon left behind would keep the line requested, and the
 * next start would find it busy. A SIGKILL of this process cannot be caught: such an orphan
 * dies only when it next writes an event into the closed pipe.
 */
export function killOnExit(child: ChildProcess): void {
  if (!process.listeners('exit').includes(killLive)) process.on('exit', killLive);
  live.add(child);
  child.once('close', () => live.delete(child));
}

function killLive(): void {
  for (const child of live) child.kill('SIGKILL');
}
