/** What a case process sends back to run.ts. */
export type CaseOutcome<T> = { ok: true; result: T } | { ok: false; error: string };

/**
 * Runs one benchmark case in this (fresh) process and sends its result to the parent over
 * the IPC channel fork() opened, then exits.
 */
export function runCase<T>(body: () => Promise<T>): void {
  const send = (outcome: CaseOutcome<T>, code: number): void => {
    if (!process.send) {
      console.log(JSON.stringify(outcome, null, 2));
      process.exit(code);
    }
    process.send(outcome, () => process.exit(code));
  };
  body().then(
    (result) => send({ ok: true, result }, 0),
    (err: unknown) => send({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, 1),
  );
}
