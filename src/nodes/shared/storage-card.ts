import type { Node, NodeAPI } from 'node-red';
import type { CardMonitor } from '../../lib/storage/card-monitor';

/** An sd-card config node as the nodes that use it see it: its card monitor, absent when its configuration is wrong. */
export interface SdCardNode extends Node {
  card?: CardMonitor;
}

/** The card monitor of the sd-card config node `id`; throws, saying what is wrong, when there is none. */
export function storageCard(RED: NodeAPI, id: string): CardMonitor {
  const node = RED.nodes.getNode(id) as SdCardNode | null;
  if (!node) throw new Error(`its SD card configuration (${id}) is missing`);
  if (!node.card) throw new Error(`its SD card configuration "${node.name || id}" is not valid`);
  return node.card;
}
