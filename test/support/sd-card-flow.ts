// A test flow of wav-writer -> sd-store sharing one sd-card config node, with a Catch node,
// loaded into node-red-node-test-helper from the built nodes.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import type { NodeMessage } from 'node-red';
import { AudioFormat } from '../../src/lib/audio/format';
import { RecordingInfo } from '../../src/lib/contract/recording';
import type { CardMonitor } from '../../src/lib/storage/card-monitor';
import { buildWavHeader, readWavInfo } from '../../src/lib/wav/header';
import { FlowNode, helper, MessageLog, sdCardNode, sdStoreNode, TestNode, wavWriterNode } from './node-red';
import { countingPcm16 } from './scripted-source';
import { SessionChunks } from './session-chunks';
import { waitFor } from './wait';

export type StoredRecording = RecordingInfo & { storedPath: string; storedParts?: string[]; index: number; freeBytes: number | null };
export type StoredMsg = NodeMessage & { payload: string; recording: StoredRecording };
export type FinishedMsg = NodeMessage & { payload: string; recording: RecordingInfo };
export type ErrorMsg = NodeMessage & { error: { message: string; source: { id: string } } };

export const stereo16: AudioFormat = { sampleRate: 8000, channels: 2, bitDepth: 16, encoding: 'signed' };

export interface SdCardFlowOptions {
  /** The sd-card config node's properties (directory at least). */
  card: Record<string, unknown>;
  writer?: Record<string, unknown>;
  store?: Record<string, unknown>;
}

/** inject-less flow: wav-writer (node "writer") -> sd-store ("store"), both on the sd-card "card"; helpers "finished", "stored", "errors". */
export function sdCardFlow({ card, writer = {}, store = {} }: SdCardFlowOptions): FlowNode[] {
  return [
    { id: 'f1', type: 'tab' },
    { id: 'card', type: 'sd-card', mountPoint: '', reserveMb: 0, ...card },
    { id: 'writer', z: 'f1', type: 'wav-writer', storage: 'card', pattern: 'take-{counter}.wav', refresh: 0.1, wires: [['finished', 'store']], ...writer },
    { id: 'store', z: 'f1', type: 'sd-store', storage: 'card', pattern: 'recording{counter}.wav', keepLast: 0, maxMb: 0, maxAgeDays: 0, wires: [['stored']], ...store },
    { id: 'finished', z: 'f1', type: 'helper' },
    { id: 'stored', z: 'f1', type: 'helper' },
    { id: 'catcher', z: 'f1', type: 'catch', scope: null, uncaught: false, wires: [['errors']] },
    { id: 'errors', z: 'f1', type: 'helper' },
  ];
}

/** Loads the flow (without the nodes of the types in `leaveOut`) and waits for the card's first check. */
export async function loadSdCardFlow(options: SdCardFlowOptions, leaveOut: string[] = []) {
  await helper.load([sdCardNode, wavWriterNode, sdStoreNode], sdCardFlow(options).filter((node) => !leaveOut.includes(node.type)));
  const card = (helper.getNode('card') as unknown as { card?: CardMonitor }).card;
  // The nodes' statuses settle with the card's first check.
  await waitFor(() => (card?.status ? true : undefined), 'the first check of the card');
  return {
    card,
    writer: helper.getNode('writer') as TestNode,
    store: helper.getNode('store') as TestNode,
    finished: new MessageLog<FinishedMsg>(helper.getNode('finished')),
    stored: new MessageLog<StoredMsg>(helper.getNode('stored')),
    errors: new MessageLog<ErrorMsg>(helper.getNode('errors')),
  };
}

/** Sends one whole recording of `frames` stereo 16-bit frames (counting samples from `first`) to wav-writer. */
export function record(writer: TestNode, session: string, frames: number, first = 0): void {
  const chunks = new SessionChunks(session, stereo16);
  for (const msg of [chunks.start(), chunks.data(countingPcm16(first, frames * 2)), chunks.end()]) writer.receive(msg);
}

/** The PCM in a WAV file's data chunk, as its header tells it. */
export async function pcmOf(path: string): Promise<Buffer> {
  const info = await readWavInfo(path);
  return (await readFile(path)).subarray(info.dataOffset, info.dataOffset + info.dataBytes);
}

/** The .wav names in a folder, sorted. */
export async function wavNames(folder: string): Promise<string[]> {
  return (await readdir(folder)).filter((name) => name.endsWith('.wav')).sort();
}

/** A complete WAV file of `frames` frames of stereo 16-bit. */
export async function writeWav(path: string, frames: number): Promise<void> {
  await writeFile(path, Buffer.concat([buildWavHeader(stereo16, frames * 4, 'wav'), countingPcm16(0, frames * 2)]));
}
