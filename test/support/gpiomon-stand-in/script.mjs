// The stand-in's script: what the "button" does. One step per line; '#' starts a comment.
//   <ms> rising|falling   the physical line goes high/low, stamped <ms> (decimal, up to 6 places) on the event clock
//   wait <ms>             a real pause before the next step (pacing only)
//   exit <code>           gpiomon ends at once with this code
//   fail busy|missing-chip|permission|bad-line   gpiomon's error for that on stderr, exit 1
//   ignore-sigterm        this run ignores SIGTERM from its start, wherever the line is (only SIGKILL ends it)
//   run <n>               the steps below are for the nth run and later ones (counted in the log)
// After the last step gpiomon waits, as the real one does, until a signal ends it.
import { readFileSync } from 'node:fs';

const FAILURES = ['busy', 'missing-chip', 'permission', 'bad-line'];

/** The steps for run number `run` (1 = first). */
export function readScript(path, run) {
  const sections = new Map([[1, []]]);
  let steps = sections.get(1);
  for (const [index, raw] of readFileSync(path, 'utf8').split('\n').entries()) {
    const words = raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    const where = `${path}:${index + 1}`;
    if (words[0] === 'run') {
      steps = [];
      sections.set(Number(words[1]), steps);
    } else {
      steps.push(parseStep(words, where));
    }
  }
  const chosen = [...sections.keys()].filter((n) => n <= run).sort((a, b) => b - a)[0] ?? 1;
  return sections.get(chosen);
}

function parseStep([first, second, ...rest], where) {
  if (rest.length > 0) throw new Error(`${where}: too many words`);
  if (first === 'wait' && /^\d+$/.test(second)) return { kind: 'wait', ms: Number(second) };
  if (first === 'exit' && /^\d+$/.test(second)) return { kind: 'exit', code: Number(second) };
  if (first === 'fail' && FAILURES.includes(second)) return { kind: 'fail', failure: second };
  if (first === 'ignore-sigterm' && second === undefined) return { kind: 'ignore-sigterm' };
  if (/^\d+(\.\d{1,6})?$/.test(first) && (second === 'rising' || second === 'falling')) {
    return { kind: 'edge', ns: msToNs(first), level: second };
  }
  throw new Error(`${where}: cannot read "${[first, second].join(' ')}"`);
}

function msToNs(text) {
  const [whole, fraction = ''] = text.split('.');
  return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
}
