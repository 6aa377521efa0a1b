import type { Node, NodeMessage } from 'node-red';
import type { LoopBlock } from '../feed/event-loop-stall';

/**
 * A bench-port node: the bench's hands and eyes inside the flow. The feeder calls its
 * send() to put audio chunks on the wire, exactly as mic-in does from its capture
 * callback; wired after a writer, it hands every message it receives to `listener`.
 */
export interface BenchPortNode extends Node {
  listener: ((msg: NodeMessage) => void) | undefined;
}

/**
 * A node that consumes audio chunks: bench-hold-wav (the in-memory baseline) or bench-drop
 * (the null sink). `consumedBytes`: PCM bytes it has taken so far.
 */
export interface ConsumerNode extends Node {
  consumedBytes: number;
}

/**
 * A bench-stall node: another node in the same Node-RED that blocks the event loop for
 * `blockMs` every `everyMs` (a busy-wait) between begin() and end(); `blocks` is what it did.
 */
export interface StallNode extends Node {
  blocks: LoopBlock[];
  begin(): void;
  end(): void;
}

/** Node-RED's internal nodes module, as far as the bench uses it. */
export interface RuntimeNodes {
  getNode(id: string): Node | null;
}
