import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';

const TIME = '/usr/bin/time';

export interface CatCost {
  /** CPU seconds (user + system) of `cat`, or its wall seconds when /usr/bin/time is missing. */
  seconds: number;
  measured: 'cpu' | 'wall';
}

/**
 * What `cat src > dst` costs: the reference for moving the same bytes into a file with the
 * least work possible. A child's CPU time is not in this process's process.cpuUsage(), so
 * GNU time reports it (`%U %S`); cat's stdout is the destination file's descriptor, no shell.
 */
export function catCost(src: string, dst: string): CatCost {
  const out = openSync(dst, 'w');
  try {
    if (existsSync(TIME)) {
      const run = spawnSync(TIME, ['-f', '%U %S', 'cat', src], { stdio: ['ignore', out, 'pipe'], encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`cat ${src} failed: ${run.stderr}`);
      const last = run.stderr.trim().split('\n').pop() ?? '';
      const [user, system] = last.split(' ').map(Number);
      if (user === undefined || system === undefined || Number.isNaN(user + system)) throw new Error(`cannot read ${TIME} output: ${last}`);
      return { seconds: user + system, measured: 'cpu' };
    }
    const started = process.hrtime.bigint();
    const run = spawnSync('cat', [src], { stdio: ['ignore', out, 'pipe'], encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`cat ${src} failed: ${run.stderr}`);
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, measured: 'wall' };
  } finally {
    closeSync(out);
  }
}
