import { join } from 'node:path';
import type { FlowNode } from './embedded-red';

export const SOURCE_ID = 'bench-source';
export const TARGET_ID = 'bench-target';
export const SINK_ID = 'bench-sink';
export const MIC_ID = 'bench-mic';
export const ERRORS_ID = 'bench-errors';
export const STALL_ID = 'bench-stall-node';

/** bench-port -> target -> bench-port: chunks go in at the source, finished messages come out at the sink. */
function around(target: { type: string; [property: string]: unknown }): FlowNode[] {
  return [
    { id: SOURCE_ID, type: 'bench-port', name: 'source', wires: [[TARGET_ID]] },
    { id: TARGET_ID, ...target, wires: [[SINK_ID]] },
    { id: SINK_ID, type: 'bench-port', name: 'sink', wires: [] },
  ];
}

/** wav-writer as a user configures it: no size or duration limit, header refreshed every second, no FAT32 split. */
function wavWriter(directory: string): { type: string; [property: string]: unknown } {
  return { type: 'wav-writer', name: 'wav-writer', directory, pattern: 'recording-{counter}.wav', maxDuration: '0', maxSize: '0', refresh: '1', fileLimit: 'none' };
}

export function wavWriterFlow(directory: string): FlowNode[] {
  return around(wavWriter(directory));
}

/**
 * The product's recording path: bench-port (control messages in) -> mic-in (`mic`: its
 * properties as the editor saves them) -> wav-writer -> bench-port (finished messages out);
 * a catch node hands every error of the flow to the errors bench-port; with `stall`, a
 * bench-stall node shares the runtime.
 */
export function micInFlow(mic: Record<string, unknown>, directory: string, stall?: { blockMs: number; everyMs: number }): FlowNode[] {
  return [
    { id: SOURCE_ID, type: 'bench-port', name: 'control', wires: [[MIC_ID]] },
    { id: MIC_ID, type: 'mic-in', name: 'mic-in', ...mic, wires: [[TARGET_ID]] },
    { id: TARGET_ID, ...wavWriter(directory), wires: [[SINK_ID]] },
    { id: SINK_ID, type: 'bench-port', name: 'sink', wires: [] },
    { id: 'bench-catch', type: 'catch', name: 'errors', scope: null, uncaught: false, wires: [[ERRORS_ID]] },
    { id: ERRORS_ID, type: 'bench-port', name: 'errors', wires: [] },
    ...(stall ? [{ id: STALL_ID, type: 'bench-stall', name: 'event-loop stall', ...stall, wires: [] }] : []),
  ];
}

export function holdWavFlow(directory: string): FlowNode[] {
  return around({ type: 'bench-hold-wav', name: 'hold in memory', directory });
}

export function dropFlow(): FlowNode[] {
  return around({ type: 'bench-drop', name: 'null sink' });
}

/** Where wav-writer keeps a file while recording it (see WavWriterNode: one partial folder per node). */
export function partialPath(directory: string, filename: string): string {
  return join(directory, '.partial', TARGET_ID, filename);
}
