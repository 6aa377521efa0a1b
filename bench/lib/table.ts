import type { Row } from '../report/row';

const COLUMNS: { title: string; key: keyof Row }[] = [
  { title: 'benchmark', key: 'bench' },
  { title: 'measure', key: 'measure' },
  { title: 'ours', key: 'value' },
  { title: 'reference (same run)', key: 'reference' },
  { title: 'ratio', key: 'ratio' },
  { title: 'target', key: 'target' },
  { title: 'result', key: 'verdict' },
];

/** Rows as a plain-text table with aligned columns. */
export function renderTable(rows: readonly Row[]): string {
  const widths = COLUMNS.map(({ title, key }) => Math.max(title.length, ...rows.map((row) => row[key].length)));
  const line = (cells: string[]): string => cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ').trimEnd();
  return [
    line(COLUMNS.map(({ title }) => title)),
    widths.map((width) => '-'.repeat(width)).join('-+-'),
    ...rows.map((row) => line(COLUMNS.map(({ key }) => row[key]))),
  ].join('\n');
}
