export type Verdict = 'PASS' | 'FAIL' | 'info';

/** One line of the results table. */
export interface Row {
  bench: string;
  measure: string;
  value: string;
  /** The reference measured in the same run, with its value. */
  reference: string;
  /** value / reference. */
  ratio: string;
  target: string;
  verdict: Verdict;
}

export function verdict(ok: boolean): Verdict {
  return ok ? 'PASS' : 'FAIL';
}

/** A row for a file check: PASS with no problems, else FAIL naming the first. */
export function fileCheckRow(bench: string, measure: string, problems: readonly string[]): Row {
  const value = problems.length === 0 ? 'as sent' : `${problems.length} problem(s): ${problems[0]}`;
  return { bench, measure, value, reference: '', ratio: '', target: 'frames, size, content', verdict: verdict(problems.length === 0) };
}
