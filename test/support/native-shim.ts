import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Compiles one of test/support/native/*.c into a shared object for LD_PRELOAD, in `directory`. */
export async function buildShim(name: string, directory: string): Promise<string> {
  const library = join(directory, `${name}.so`);
  await run('cc', ['-shared', '-fPIC', '-O2', '-o', library, join(__dirname, 'native', `${name}.c`), '-ldl']);
  return library;
}
