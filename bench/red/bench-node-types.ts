import type { Node, NodeMessage } from 'node-red';

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

/** Node-RED's internal nodes module, as far as the bench uses it. */
export interface RuntimeNodes {
  getNode(id: string): Node | null;
}
