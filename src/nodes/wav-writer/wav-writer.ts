import { join } from 'node:path';
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow, NodeStatus } from 'node-red';
import { parseControlCommand } from '../../lib/contract/control';
import { RecordingInfo } from '../../lib/contract/recording';
import { ChunkMessage, WavSessionWriter } from '../../lib/recording/wav-session-writer';
import { closeWhenSettled, completeMessage } from '../shared/message-outcome';
import { formatBytes, formatElapsed, shortError } from '../shared/status-text';
import { StatusTicker } from '../shared/status-ticker';
import { WavWriterConfig, wavWriterSettings } from './wav-writer-settings';

type WavWriterDef = NodeDef & WavWriterConfig;

export = function registerWavWriter(RED: NodeAPI): void {
  function WavWriterNode(this: Node, config: WavWriterDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const showError = (err: unknown): void => node.status({ fill: 'red', shape: 'ring', text: shortError(err) });
    const idleStatus: NodeStatus = { fill: 'grey', shape: 'ring', text: 'wav-writer.status.idle' };

    let settings: ReturnType<typeof wavWriterSettings>;
    try {
      settings = wavWriterSettings(config, RED.settings.userDir as string | undefined);
    } catch (err) {
      showError(err);
      node.error(`${RED._('wav-writer.errors.config')}: ${(err as Error).message}`);
      node.on('input', (_msg: NodeMessageInFlow, _send: unknown, done: (err?: Error) => void) => done(err as Error));
      return;
    }

    const writer = new WavSessionWriter({
      ...settings,
      // One folder per node: a node only ever recovers the partial files it left itself.
      partialDirectory: join(settings.directory, '.partial', node.id),
      onFinished: (recording: RecordingInfo) => {
        if (!writer.recording) {
          ticker.stop();
          node.status(idleStatus);
        }
        node.send({ payload: recording.path, recording });
      },
      onError: (err: Error) => {
        showError(err);
        // With a message, so Catch nodes see failures that no incoming message caused.
        node.error(err.message, { payload: err.message });
      },
    });
    const ticker = new StatusTicker(() => {
      const current = writer.recording;
      if (current) node.status({ fill: 'green', shape: 'dot', text: `${formatElapsed(current.elapsedMs)} ${formatBytes(current.bytes)}` });
    });
    node.status(idleStatus);

    // Recover once the flows run, so the messages about recovered files reach the nodes wired after this one.
    const recover = (): void => {
      writer.recover().catch((err: Error) => node.error(`${RED._('wav-writer.errors.recover')}: ${err.message}`));
    };
    RED.events.once('flows:started', recover);

    node.on('input', (msg: NodeMessageInFlow, _send, done) => {
      completeMessage(
        async () => {
          if ((msg as { audio?: unknown }).audio === undefined) {
            if (parseControlCommand(msg) === 'start') throw new Error(RED._('wav-writer.errors.startCommand'));
            await writer.stop('stop');
            return;
          }
          await writer.write(msg as unknown as ChunkMessage);
          if (writer.recording) ticker.start();
        },
        done,
        showError,
      );
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      RED.events.removeListener('flows:started', recover);
      ticker.stop();
      closeWhenSettled(node, writer.close(), done);
    });
  }

  RED.nodes.registerType('wav-writer', WavWriterNode);
};
