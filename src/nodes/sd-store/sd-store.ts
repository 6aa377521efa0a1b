import { basename } from 'node:path';
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow, NodeStatus } from 'node-red';
import type { RecordingInfo } from '../../lib/contract/recording';
import { parseStoreCommand } from '../../lib/contract/store-command';
import type { CardMonitor, CardStatus } from '../../lib/storage/card-monitor';
import { finishedRecordingFiles } from '../../lib/storage/finished-recording-files';
import { RecordingStore } from '../../lib/storage/recording-store';
import { refuseForConfiguration } from '../shared/configuration-error';
import { completeMessage } from '../shared/message-outcome';
import { storageCard } from '../shared/storage-card';
import { errorStatus, formatBytes } from '../shared/status-text';
import { recordingPlaces } from './recording-places';
import { SdStoreConfig, sdStoreSettings } from './sd-store-settings';

type SdStoreDef = NodeDef & SdStoreConfig;
type SdStoreMessage = NodeMessageInFlow & { command?: unknown; recording?: unknown; filename?: unknown };

export = function registerSdStore(RED: NodeAPI): void {
  function SdStoreNode(this: Node, config: SdStoreDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const showError = (err: unknown): void => node.status(errorStatus(err));

    let configured: { store: RecordingStore; card: CardMonitor };
    try {
      const settings = sdStoreSettings(config);
      const card = storageCard(RED, settings.storageId);
      configured = { card, store: new RecordingStore({ directory: card.directory, pattern: settings.pattern, retention: settings.retention }) };
    } catch (err) {
      refuseForConfiguration(RED, node, 'sd-store', err);
      return;
    }
    const { store, card } = configured;

    let lastStored: string | undefined;
    const cardStatus = (status: CardStatus): NodeStatus => {
      if (!status.present) return { fill: 'red', shape: 'ring', text: 'sd-store.status.cardMissing' };
      const fill = card.problem(status) ? 'yellow' : 'green';
      if (status.freeBytes === undefined) return { fill, shape: 'dot', text: lastStored ?? 'sd-store.status.ready' };
      const free = formatBytes(status.freeBytes);
      const text = lastStored === undefined ? RED._('sd-store.status.free', { free }) : RED._('sd-store.status.stored', { name: lastStored, free });
      return { fill, shape: 'dot', text };
    };
    node.status({ fill: 'grey', shape: 'ring', text: 'sd-store.status.checking' });
    const unsubscribe = card.subscribe((status) => node.status(cardStatus(status)));

    /** Moves a finished recording onto the card; returns its description with where it went. */
    const storeRecording = async (msg: SdStoreMessage): Promise<RecordingInfo & { storedPath: string; index: number }> => {
      const files = await finishedRecordingFiles(msg.recording, recordingPlaces(RED, card));
      const recording = msg.recording as RecordingInfo;
      const startedAt = new Date(recording.startedAt);
      const stored = await store.store({
        files,
        startedAt: Number.isNaN(startedAt.getTime()) ? new Date() : startedAt,
        session: typeof recording.session === 'string' ? recording.session : '',
        topic: typeof msg.topic === 'string' ? msg.topic : '',
        rules: card.nameRules(),
      });
      const [storedPath] = stored.paths;
      if (storedPath === undefined) throw new Error('nothing was stored');
      if (stored.pruneError) node.error(`${RED._('sd-store.errors.prune')}: ${stored.pruneError.message}`, msg);
      lastStored = basename(storedPath);
      return { ...recording, storedPath, ...(stored.paths.length > 1 && { storedParts: stored.paths }), index: stored.index };
    };

    /** Carries out what a message asks for and sends the result. */
    const handle = async (msg: SdStoreMessage, send: (msg: NodeMessage) => void): Promise<void> => {
      const command = parseStoreCommand(msg);
      // Checked now, not as last polled: nothing is moved or deleted on a card that just went.
      const status = await card.refresh();
      if (!status.present) throw new Error(`${RED._('sd-store.errors.cardMissing')}: ${status.reason ?? ''}`);
      if (command === 'store') {
        const stored = await storeRecording(msg);
        const after = await card.refresh();
        msg.payload = stored.storedPath;
        // null where the filesystem does not tell (fusefat): the field is there either way.
        msg.recording = { ...stored, freeBytes: after.freeBytes ?? null };
        node.status(cardStatus(after));
      } else if (command === 'list') {
        // A listing changes nothing on the card: the check above tells its state.
        msg.payload = await store.list();
        node.status(cardStatus(status));
      } else {
        msg.payload = command === 'delete' ? await store.delete(msg.filename) : await store.prune();
        node.status(cardStatus(await card.refresh()));
      }
      send(msg);
    };

    let previous: Promise<unknown> = Promise.resolve();
    node.on('input', (msg: SdStoreMessage, send: (msg: NodeMessage) => void, done) => {
      // One message at a time, in the order they came: recordings get their numbers in recording order.
      const turn = previous.then(() => handle(msg, send));
      previous = turn.catch(() => undefined);
      completeMessage(() => turn, done, showError);
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      unsubscribe();
      done();
    });
  }

  RED.nodes.registerType('sd-store', SdStoreNode);
};
