import { fork } from 'node:child_process';
import type { CaseOutcome } from './case-runner';

/**
 * Runs bench/cases/<name>.ts in a fresh Node process (own heap, own RSS, own CPU clock, so
 * no measurement inherits another's garbage or allocator state) and resolves with its result.
 * What the case prints on stdout (naudiodon's native code prints there, and cannot be told
 * not to) goes to stderr with the progress, so stdout holds the results table alone.
 */
export function forkCase<T>(casePath: string, args: string[]): Promise<T> {
  return new Promise((done, fail) => {
    let outcome: CaseOutcome<T> | undefined;
    const child = fork(casePath, args, {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    child.stdout!.pipe(process.stderr, { end: false });
    child.on('message', (message) => {
      outcome = message as CaseOutcome<T>;
    });
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      if (outcome?.ok) done(outcome.result);
      else if (outcome) fail(new Error(outcome.error));
      else fail(new Error(`${casePath} exited with ${signal ?? `code ${code}`} and no result`));
    });
  });
}
