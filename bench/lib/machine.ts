import { readFileSync, statfsSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

/** One line describing what the numbers were measured on. */
export function describeMachine(): string {
  const cores = cpus();
  const nodeRed = (JSON.parse(readFileSync(join(__dirname, '../../node_modules/node-red/package.json'), 'utf8')) as { version: string }).version;
  const fs = statfsSync(tmpdir());
  return [
    `${cores.length} x ${cores[0]?.model.trim() ?? 'unknown CPU'}`,
    `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `${process.platform} ${release()} ${process.arch}`,
    `node ${process.version}`,
    `Node-RED ${nodeRed}`,
    `tmp ${tmpdir()} (${((fs.bavail * fs.bsize) / 1e9).toFixed(0)} GB free)`,
  ].join(', ');
}
