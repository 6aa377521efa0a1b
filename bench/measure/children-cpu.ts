import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** USER_HZ, the unit of /proc/<pid>/stat times (100 on every Linux the bench runs on). */
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    const hz = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim());
    ticksPerSecond = Number.isFinite(hz) && hz > 0 ? hz : 100;
  }
  return ticksPerSecond;
}

/** Fields of /proc/<pid>/stat from the third (state) on; the name in parentheses may hold spaces. */
function statFields(pid: number | 'self'): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/**
 * CPU seconds (user + system) of every child process of this process that has ended and been
 * reaped so far: /proc/self/stat's cutime + cstime, the kernel's running total of what wait4()
 * reports for each child (GNU time's %U + %S are the same numbers), so the difference across a
 * window is exactly the CPU of the children reaped in it, to USER_HZ (10 ms) resolution. Takes
 * what a child costs from its first to its last instruction, including its exit, which a read
 * of /proc/<child>/stat before the end would miss.
 */
export function reapedChildrenCpuSeconds(): number {
  const hz = clockTicksPerSecond(); // before the read: getconf is a child too
  const fields = statFields('self')!;
  // Fields 16 (cutime) and 17 (cstime), counted from 1 = pid.
  return (Number(fields[16 - 3]) + Number(fields[17 - 3])) / hz;
}

/** Process ids of this process's children named `name` (still running, or ended and not yet reaped). */
export function childPids(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const comm = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
    const ppid = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
    if (comm === name && ppid === process.pid) pids.push(Number(entry));
  }
  return pids;
}
