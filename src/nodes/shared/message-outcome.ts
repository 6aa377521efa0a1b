import type { Node } from 'node-red';

/**
 * Runs the work a message asks for and tells Node-RED how it ended: done(), or done(err)
 * (which Catch nodes see) with the error shown in the node's status, whether the work threw
 * at once or its promise rejected.
 */
export function completeMessage(work: () => Promise<unknown>, done: (err?: Error) => void, showError: (err: unknown) => void): void {
  const fail = (err: unknown): void => {
    showError(err);
    done(err instanceof Error ? err : new Error(String(err)));
  };
  let running: Promise<unknown>;
  try {
    running = work();
  } catch (err) {
    fail(err);
    return;
  }
  running.then(() => done(), fail);
}

/** Calls Node-RED's close `done` once `closing` settles; a failure is logged, never left hanging. */
export function closeWhenSettled(node: Node, closing: Promise<unknown>, done: () => void): void {
  closing.then(done, (err: Error) => {
    node.error(err.message);
    done();
  });
}
