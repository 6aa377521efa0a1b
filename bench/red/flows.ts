import { join } from 'node:path';
import type { FlowNode } from './embedded-red';

export const SOURCE_ID = 'bench-source';
export const TARGET_ID = 'bench-target';
export const SINK_ID = 'bench-sink';

/** bench-port -> target -> bench-port: chunks go in at the source, finished messages come out at the sink. */
function around(target: { type: string; [property: string]: unknown }): FlowNode[] {
  return [
    { id: SOURCE_ID, type: 'bench-port', name: 'source', wires: [[TARGET_ID]] },
    { id: TARGET_ID, ...target, wires: [[SINK_ID]] },
    { id: SINK_ID, type: 'bench-port', name: 'sink', wires: [] },
  ];
}

/** wav-writer as a user configures it: no size or duration limit, header refreshed every second, no FAT32 split. */
export function wavWriterFlow(directory: string): FlowNode[] {
  return around({ type: 'wav-writer', name: 'wav-writer', directory, pattern: 'recording-{counter}.wav', maxDuration: '0', maxSize: '0', refresh: '1', fileLimit: 'none' });
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
