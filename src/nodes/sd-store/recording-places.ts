import type { NodeAPI, NodeDef } from 'node-red';
import type { CardMonitor } from '../../lib/storage/card-monitor';
import type { RecordingPlaces } from '../../lib/storage/finished-recording-files';
import { storageCard } from '../shared/storage-card';
import { storageDirectory } from '../shared/storage-directory';

type WavWriterDef = NodeDef & { storage?: string; directory?: string };

/**
 * Where the wav-writers of the deployed flows leave finished recordings, the only places
 * sd-store takes recordings from: the partial folders on `card` and on the card of every
 * wav-writer that writes to one, and the directory of every wav-writer that publishes
 * itself. Read at each message, so it follows deploys.
 */
export function recordingPlaces(RED: NodeAPI, card: CardMonitor): RecordingPlaces {
  const folders: string[] = [];
  const partialRoots = [card.partialRoot];
  RED.nodes.eachNode((def) => {
    if (def.type !== 'wav-writer') return;
    const { storage, directory } = def as WavWriterDef;
    if (!storage) {
      folders.push(storageDirectory(directory, RED.settings.userDir as string | undefined));
      return;
    }
    try {
      partialRoots.push(storageCard(RED, storage).partialRoot);
    } catch {
      // A wav-writer whose card is not configured wrote nothing.
    }
  });
  return { folders, partialRoots };
}
