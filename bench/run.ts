import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareCpuDevice } from './alsa/cpu-device';
import type { CaptureCpuMode, CaptureCpuResult } from './cases/capture-cpu';
import type { FinalizeResult } from './cases/finalize';
import type { MemoryMode, MemoryResult } from './cases/memory';
import type { PicoDecoderResult } from './cases/pico-decoder';
import type { PicoLinkResult } from './cases/pico-link';
import type { StallMode, StallResult } from './cases/stall';
import type { ThroughputResult } from './cases/throughput';
import { forkCase } from './lib/fork-case';
import { progress } from './lib/log';
import { describeMachine } from './lib/machine';
import { renderTable } from './lib/table';
import { captureCpuNotes, captureCpuRows } from './report/capture-cpu-rows';
import { finalizeNotes, finalizeRows } from './report/finalize-rows';
import { memoryNotes, memoryRows } from './report/memory-rows';
import { picoDecoderNotes, picoDecoderRows } from './report/pico-decoder-rows';
import { picoLinkNotes, picoLinkRows } from './report/pico-link-rows';
import type { Row } from './report/row';
import { stallNotes, stallRows } from './report/stall-rows';
import { throughputNotes, throughputRows } from './report/throughput-rows';

/**
 * `npm run bench`: runs each measurement in a fresh process (bench/cases/*.ts), each in
 * its own directory under os.tmpdir() that is removed afterwards, then prints one table of
 * results against references measured in this same run, and exits 1 if any target fails.
 */

/** wav-writer and null-sink runs of benchmark 1, interleaved; medians are reported. */
const MEMORY_RUNS = 3;

interface Section {
  rows: Row[];
  notes: string[];
}

async function runCaseIn<T>(root: string, name: string, args: string[]): Promise<T> {
  const workDir = mkdtempSync(join(root, `${name}-`));
  try {
    return await forkCase<T>(join(__dirname, 'cases', `${name}.ts`), [...args, workDir]);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function memory(root: string): Promise<Section> {
  const run = (mode: MemoryMode): Promise<MemoryResult> => runCaseIn<MemoryResult>(root, 'memory', [mode]);
  const writer: MemoryResult[] = [];
  const nullSink: MemoryResult[] = [];
  for (let i = 0; i < MEMORY_RUNS; i++) {
    nullSink.push(await run('null-sink'));
    writer.push(await run('wav-writer'));
  }
  const hold = await run('hold-in-memory');
  return { rows: memoryRows(writer, nullSink, hold), notes: memoryNotes(writer, nullSink, hold) };
}

async function finalize(root: string): Promise<Section> {
  const results = await runCaseIn<FinalizeResult[]>(root, 'finalize', []);
  return { rows: finalizeRows(results), notes: finalizeNotes(results) };
}

async function throughput(root: string): Promise<Section> {
  const result = await runCaseIn<ThroughputResult>(root, 'throughput', []);
  return { rows: throughputRows(result), notes: throughputNotes(result) };
}

/**
 * Benchmark 4: the stand-in device's 184 MB file is made once, in its own directory (removed
 * afterwards), for the reference and both backends, each measured in its own process.
 */
async function captureCpu(root: string): Promise<Section> {
  const deviceDir = mkdtempSync(join(root, 'capture-cpu-device-'));
  try {
    progress('capture CPU: writing the stand-in device\'s file');
    prepareCpuDevice(deviceDir);
    const run = (mode: CaptureCpuMode): Promise<CaptureCpuResult> => runCaseIn<CaptureCpuResult>(root, 'capture-cpu', [mode, deviceDir]);
    const reference = await run('reference');
    const backends = [await run('arecord'), await run('portaudio')];
    return { rows: captureCpuRows(reference, backends), notes: captureCpuNotes(reference, backends) };
  } finally {
    rmSync(deviceDir, { recursive: true, force: true });
  }
}

async function stall(root: string): Promise<Section> {
  const results: StallResult[] = [];
  for (const mode of ['arecord', 'portaudio', 'naudiodon-defaults'] satisfies StallMode[]) results.push(await runCaseIn<StallResult>(root, 'stall', [mode]));
  return { rows: stallRows(results), notes: stallNotes(results) };
}

async function picoDecoder(root: string): Promise<Section> {
  const result = await runCaseIn<PicoDecoderResult>(root, 'pico-decoder', []);
  return { rows: picoDecoderRows(result), notes: picoDecoderNotes(result) };
}

/** Benchmark 7: the simulated Pico end to end, one process per sample rate. */
async function picoLink(root: string): Promise<Section> {
  const results: PicoLinkResult[] = [];
  for (const sampleRate of ['22050', '48000']) results.push(await runCaseIn<PicoLinkResult>(root, 'pico-link', [sampleRate]));
  return { rows: picoLinkRows(results), notes: picoLinkNotes(results) };
}

/** A benchmark whose case crashed is one failed row, and the others still run. */
async function section(bench: string, body: () => Promise<Section>): Promise<Section> {
  try {
    return await body();
  } catch (err) {
    console.error(err);
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
    return { rows: [{ bench, measure: 'benchmark did not complete', value: message, reference: '', ratio: '', target: 'completes', verdict: 'FAIL' }], notes: [] };
  }
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
}

async function main(): Promise<number> {
  const began = performance.now();
  console.log('node-red-contrib-audio-capture benchmark (npm run bench)');
  console.log(`machine: ${describeMachine()}`);
  const root = mkdtempSync(join(tmpdir(), 'audio-capture-bench-'));
  const removeRoot = (): void => rmSync(root, { recursive: true, force: true });
  process.once('SIGINT', () => {
    removeRoot();
    process.exit(130);
  });
  const sections: Section[] = [];
  try {
    sections.push(await section('1 memory', () => memory(root)));
    sections.push(await section('2 finalize', () => finalize(root)));
    sections.push(await section('3 throughput', () => throughput(root)));
    sections.push(await section('4 capture CPU', () => captureCpu(root)));
    sections.push(await section('5 stall', () => stall(root)));
    sections.push(await section('6 pico decoder', () => picoDecoder(root)));
    sections.push(await section('7 pico link', () => picoLink(root)));
  } finally {
    removeRoot();
  }
  const rows = sections.flatMap((s) => s.rows);
  console.log('');
  console.log(renderTable(rows));
  console.log('');
  for (const note of sections.flatMap((s) => s.notes)) console.log(`- ${note}`);
  const count = (verdict: Row['verdict']): number => rows.filter((row) => row.verdict === verdict).length;
  console.log('');
  console.log(`SUMMARY: ${count('PASS')} PASS, ${count('FAIL')} FAIL, ${count('info')} reported only; ${duration(performance.now() - began)}`);
  return count('FAIL') > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
