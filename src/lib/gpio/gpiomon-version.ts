import { explainSpawnError, GpioWatchError } from './gpio-watch-error';
import { GpiomonProcess } from './gpiomon-process';

/** The two command-line dialects: libgpiod 1.x (Debian 12) and the rewritten 2.x tools (Debian 13). */
export type GpiomonDialect = 1 | 2;

export interface GpiomonVersion {
  dialect: GpiomonDialect;
  /** As gpiomon printed it, e.g. "1.6.3" or "2.1". */
  text: string;
}

/** `gpiomon --version` answers at once; a hang means something else is on PATH under that name. */
const VERSION_TIMEOUT_MS = 5000;

/**
 * Reads the first line of `gpiomon --version`: "gpiomon (libgpiod) v1.6.3" or "gpiomon (libgpiod) v2.1".
 * Releases after 2.x are taken to keep the 2.x command line; 0.x had no bias and is not supported.
 */
export function parseGpiomonVersion(output: string): GpiomonVersion | undefined {
  const match = /\bv(\d+)\.\d+\S*/.exec(output.split('\n', 1)[0] ?? '');
  if (!match) return undefined;
  const major = Number(match[1]);
  if (major < 1) return undefined;
  return { dialect: major === 1 ? 1 : 2, text: match[0].slice(1) };
}

/**
 * Runs `<command> --version` and reads it; rejects with a GpioWatchError. Settles only once
 * that process is gone, also when `signal` stops it early.
 */
export function detectGpiomonVersion(command: string, signal?: AbortSignal): Promise<GpiomonVersion> {
  return new Promise((resolve, reject) => {
    const stdout: string[] = [];
    let stoppedBecause: string | undefined;
    const check = new GpiomonProcess(command, ['--version'], {
      line: (line) => stdout.push(line),
      end: ({ stderr, code, signal: killedBy, spawnError }) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const version = parseGpiomonVersion(stdout.join('\n'));
        if (spawnError) reject(explainSpawnError(spawnError, command));
        else if (stoppedBecause) reject(new GpioWatchError('exited', `${command} --version: ${stoppedBecause}`));
        else if (code !== 0) {
          const ending = killedBy ? `killed by ${killedBy}` : `exit code ${code}`;
          reject(new GpioWatchError('exited', `${command} --version failed (${ending})${stderr.length ? `: ${stderr.join(' ').trim()}` : ''}`));
        } else if (!version) {
          reject(new GpioWatchError('unsupported-version', `${command} --version names no libgpiod version this node knows: "${stdout[0] ?? ''}"`));
        } else resolve(version);
      },
    });
    const stop = (why: string): void => {
      stoppedBecause ??= why;
      void check.stop(0);
    };
    const timer = setTimeout(() => stop(`no answer within ${VERSION_TIMEOUT_MS / 1000} s`), VERSION_TIMEOUT_MS);
    const onAbort = (): void => stop('stopped');
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
