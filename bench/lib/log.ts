/** Progress for the person watching; stdout is kept for the results table. */
export function progress(text: string): void {
  process.stderr.write(`  ${text}\n`);
}
