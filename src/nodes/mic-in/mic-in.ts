import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow, NodeStatus } from 'node-red';
import { framesToMs } from '../../lib/audio/format';
import { SourceFailure } from '../../lib/capture/audio-source';
import { Recorder, StartRequest } from '../../lib/capture/recorder';
import { TestSource } from '../../lib/capture/test-source';
import { AudioChunk } from '../../lib/contract/audio-chunk';
import { parseControlCommand, parseMaxDuration } from '../../lib/contract/control';
import { closeWhenSettled, completeMessage } from '../shared/message-outcome';
import { formatElapsed, shortError } from '../shared/status-text';
import { StatusTicker } from '../shared/status-ticker';
import { MicInConfig, micInSettings } from './mic-in-settings';

type MicInDef = NodeDef & MicInConfig;

export = function registerMicIn(RED: NodeAPI): void {
  function MicInNode(this: Node, config: MicInDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const showError = (err: unknown): void => node.status({ fill: 'red', shape: 'ring', text: shortError(err) });

    let settings: ReturnType<typeof micInSettings>;
    try {
      settings = micInSettings(config);
    } catch (err) {
      showError(err);
      node.error(RED._('mic-in.errors.config', { message: (err as Error).message }));
      node.on('input', (_msg: NodeMessageInFlow, _send: unknown, done: (err?: Error) => void) => done(err as Error));
      return;
    }

    const idleStatus: NodeStatus = { fill: 'grey', shape: 'ring', text: 'mic-in.status.idleTest' };
    let lastLevel: number | undefined;
    let lastEnd: NodeMessage | undefined;
    const recorder: Recorder = new Recorder({
      createSource: () => new TestSource(settings.source),
      chunkMs: settings.chunkMs,
      maxDurationMs: settings.maxDurationMs,
      onChunk: (chunk: AudioChunk) => {
        const msg: NodeMessage = { topic: settings.topic, ...chunk };
        if (chunk.audio.event === 'start') {
          lastLevel = undefined;
          ticker.start();
        }
        if (chunk.audio.level) lastLevel = chunk.audio.level.rmsDbfs;
        if (chunk.audio.event === 'end') {
          ticker.stop();
          lastEnd = msg;
          node.status(idleStatus);
        }
        node.send(msg);
      },
      onFailure: (err: SourceFailure) => {
        showError(err);
        node.error(RED._('mic-in.errors.source', { message: err.message }), lastEnd ?? {});
      },
    });
    const ticker = new StatusTicker(() => {
      const level = lastLevel === undefined ? '' : ` ${Math.round(lastLevel)} dB`;
      const elapsed = formatElapsed(framesToMs(recorder.framesRecorded, settings.source.format));
      node.status({ fill: 'blue', shape: 'dot', text: `${elapsed}${level} test` });
    });
    node.status(idleStatus);

    node.on('input', (msg: NodeMessageInFlow & { maxDuration?: unknown; filename?: unknown }, _send, done) => {
      completeMessage(
        () => {
          const command = parseControlCommand(msg);
          const request: StartRequest = { maxDurationMs: parseMaxDuration(msg), filename: msg.filename };
          return command === 'start' ? recorder.start(request) : command === 'stop' ? recorder.stop() : recorder.toggle(request);
        },
        done,
        showError,
      );
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      ticker.stop();
      closeWhenSettled(node, recorder.close(), done);
    });
  }

  RED.nodes.registerType('mic-in', MicInNode);
};
