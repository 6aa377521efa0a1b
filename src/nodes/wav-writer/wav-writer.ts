import { join } from 'node:path';
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow, NodeStatus } from 'node-red';
import { EndReason } from '../../lib/contract/audio-chunk';
import { parseControlCommand } from '../../lib/contract/control';
import { RecordingInfo } from '../../lib/contract/recording';
import { ChunkMessage, WavSessionWriter } from '../../lib/recording/wav-session-writer';
import { PARTIAL_FOLDER } from '../../lib/recording/writer-storage';
import type { CardMonitor } from '../../lib/storage/card-monitor';
import { refuseForConfiguration } from '../shared/configuration-error';
import { closeWhenSettled, completeMessage } from '../shared/message-outcome';
import { storageCard } from '../shared/storage-card';
import { errorStatus, formatBytes, formatElapsed } from '../shared/status-text';
import { StatusTicker } from '../shared/status-ticker';
import { WavWriterConfig, WavWriterSettings, wavWriterSettings } from './wav-writer-settings';

type WavWriterDef = NodeDef & WavWriterConfig;

/** What the status shows after a recording that the card ended, until the next one starts. */
const CARD_ENDINGS: Partial<Record<EndReason, string>> = {
  'disk-full': 'wav-writer.status.diskFull',
  'card-removed': 'wav-writer.status.cardRemoved',
};

export = function registerWavWriter(RED: NodeAPI): void {
  function WavWriterNode(this: Node, config: WavWriterDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const showError = (err: unknown): void => node.status(errorStatus(err));
    const reportError = (message: string): void => {
      node.status(errorStatus(message));
      // With a message, so Catch nodes see failures that no incoming message caused.
      node.error(message, { payload: message });
    };

    let configured: { settings: WavWriterSettings; card: CardMonitor | undefined };
    try {
      const settings = wavWriterSettings(config, RED.settings.userDir as string | undefined);
      configured = { settings, card: settings.storageId === undefined ? undefined : storageCard(RED, settings.storageId) };
    } catch (err) {
      refuseForConfiguration(RED, node, 'wav-writer', err);
      return;
    }
    const { settings, card } = configured;

    /** Set when the card ended a recording; shown until the next one starts or the card is back. */
    let cardEnding: string | undefined;
    const restingStatus = (): NodeStatus => {
      const problem = card?.status ? card.problem() : undefined;
      if (problem) return { fill: 'red', shape: 'ring', text: problem.reason === 'disk-full' ? 'wav-writer.status.lowSpace' : 'wav-writer.status.cardMissing' };
      if (cardEnding) return { fill: 'red', shape: 'ring', text: cardEnding };
      return { fill: 'grey', shape: 'ring', text: 'wav-writer.status.idle' };
    };

    const writer = new WavSessionWriter({
      // With a card, finished files stay in this node's folder on it: sd-store publishes them.
      ...(card ? { storage: card } : { directory: settings.directory, maxFileBytes: settings.maxFileBytes }),
      // One folder per node: a node only ever recovers the partial files it left itself.
      partialDirectory: card ? card.reservePartialDirectory(node.id) : join(settings.directory, PARTIAL_FOLDER, node.id),
      pattern: settings.pattern,
      maxDurationMs: settings.maxDurationMs,
      maxBytes: settings.maxBytes,
      refreshIntervalMs: settings.refreshIntervalMs,
      onFinished: (recording: RecordingInfo) => {
        cardEnding = CARD_ENDINGS[recording.reason] ?? cardEnding;
        if (!writer.recording) {
          ticker.stop();
          node.status(restingStatus());
        }
        node.send({ payload: recording.path, recording });
      },
      onError: (err: Error) => reportError(err.message),
    });
    const ticker = new StatusTicker(() => {
      const current = writer.recording;
      if (current) node.status({ fill: 'green', shape: 'dot', text: `${formatElapsed(current.elapsedMs)} ${formatBytes(current.bytes)}` });
    });
    node.status(restingStatus());

    // Recover once the flows run, so the messages about recovered files reach the nodes wired
    // after this one; with a card, only while it is in, and again each time it comes back.
    let flowsStarted = false;
    const recover = (): void => {
      writer.recover().catch((err: Error) => node.error(`${RED._('wav-writer.errors.recover')}: ${err.message}`));
    };
    const onFlowsStarted = (): void => {
      flowsStarted = true;
      if (!card || card.status?.present) recover();
    };
    RED.events.once('flows:started', onFlowsStarted);

    let cardWasPresent = false;
    const unsubscribe = card?.subscribe((status) => {
      const problem = card.problem(status);
      if (problem && writer.recording) {
        writer.end(problem.reason, problem.message).then(
          (ended) => {
            if (ended) reportError(problem.message);
          },
          (err: Error) => reportError(err.message),
        );
      }
      if (status.present && !cardWasPresent) {
        // Back: what it ended is history, and what it left is recovered.
        cardEnding = undefined;
        if (flowsStarted) recover();
      }
      cardWasPresent = status.present;
      if (!writer.recording) node.status(restingStatus());
    });

    node.on('input', (msg: NodeMessageInFlow, _send, done) => {
      completeMessage(
        async () => {
          if ((msg as { audio?: unknown }).audio === undefined) {
            if (parseControlCommand(msg) === 'start') throw new Error(RED._('wav-writer.errors.startCommand'));
            await writer.stop('stop');
            return;
          }
          // Only a start chunk opens a file: the progress ticker starts there, not at every chunk.
          const starts = (msg as { audio?: { event?: unknown } }).audio?.event === 'start';
          if (starts) cardEnding = undefined;
          await writer.write(msg as unknown as ChunkMessage);
          if (starts && writer.recording) ticker.start();
        },
        done,
        showError,
      );
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      RED.events.removeListener('flows:started', onFlowsStarted);
      unsubscribe?.();
      card?.releasePartialDirectory(node.id);
      ticker.stop();
      closeWhenSettled(node, writer.close(), done);
    });
  }

  RED.nodes.registerType('wav-writer', WavWriterNode);
};
