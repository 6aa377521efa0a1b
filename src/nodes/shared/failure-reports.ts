/**
 * Which kinds of failure have been reported since a source last worked: a source that keeps
 * failing the same way while it is retried is reported once, not at every retry, and again
 * only after it has recovered.
 */
export class FailureReports {
  private readonly reported = new Set<string>();

  /** True the first time `kind` fails since the last recovery. */
  isFirst(kind: string): boolean {
    if (this.reported.has(kind)) return false;
    this.reported.add(kind);
    return true;
  }

  recovered(): void {
    this.reported.clear();
  }
}
