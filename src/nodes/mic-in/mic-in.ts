import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow, NodeStatus } from 'node-red';
import { framesToMs } from '../../lib/audio/format';
import { SourceFailure } from '../../lib/capture/audio-source';
import { Recorder, StartRequest } from '../../lib/capture/recorder';
import { AudioChunk } from '../../lib/contract/audio-chunk';
import { parseControlCommand, parseMaxDuration } from '../../lib/contract/control';
import type { ConnectionStatus } from '../../lib/pico/pico-connection';
import { findPicoDevice, PicoDeviceApi } from '../pico-device/pico-device-api';
import { refuseForConfiguration } from '../shared/configuration-error';
import { closeWhenSettled, completeMessage } from '../shared/message-outcome';
import { errorStatus, formatElapsed } from '../shared/status-text';
import { StatusTicker } from '../shared/status-ticker';
import { registerDeviceEndpoint } from './device-endpoint';
import { MicInConfig, micInSettings } from './mic-in-settings';
import { sourceFactory } from './source-factory';

type MicInDef = NodeDef & MicInConfig;

export = function registerMicIn(RED: NodeAPI): void {
  function MicInNode(this: Node, config: MicInDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const showError = (err: unknown): void => node.status(errorStatus(err));

    let settings: ReturnType<typeof micInSettings>;
    let source: ReturnType<typeof sourceFactory>;
    let pico: PicoDeviceApi | undefined;
    try {
      settings = micInSettings(config);
      pico = settings.source.kind === 'pico' ? findPicoDevice(RED, settings.source.pico) : undefined;
      source = sourceFactory(settings.source, settings.conversion, pico);
    } catch (err) {
      refuseForConfiguration(RED, node, 'mic-in', err);
      return;
    }

    const idleStatus: NodeStatus = { fill: 'grey', shape: 'ring', text: `mic-in.status.idle.${source.kind}` };
    const listeningStatus: NodeStatus = { fill: 'green', shape: 'ring', text: 'mic-in.status.listening' };
    let listening = false;
    /** A Pico's connection, while it is not up, is what an idle mic-in shows. */
    let picoStatus: ConnectionStatus | undefined;
    const restingStatus = (): NodeStatus => {
      if (picoStatus && picoStatus.state !== 'connected') {
        return { fill: picoStatus.state === 'error' ? 'red' : 'yellow', shape: 'ring', text: `Pico: ${picoStatus.text}` };
      }
      return listening ? listeningStatus : idleStatus;
    };
    let lastLevel: number | undefined;
    let lastEnd: NodeMessage | undefined;
    const recorder: Recorder = new Recorder({
      createSource: source.create,
      chunkMs: settings.chunkMs,
      maxDurationMs: settings.maxDurationMs,
      keepOpen: settings.keepOpen,
      preRollMs: settings.preRollMs,
      silenceStop: settings.silenceStop,
      startOnSoundDbfs: settings.startOnSoundDbfs,
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
          node.status(restingStatus());
        }
        node.send(msg);
      },
      onFailure: (err: SourceFailure) => {
        listening = false;
        showError(err);
        node.error(`${RED._('mic-in.errors.source')}: ${err.message}`, lastEnd ?? {});
      },
    });
    const ticker = new StatusTicker(() => {
      const level = lastLevel === undefined ? '' : ` ${Math.round(lastLevel)} dB`;
      const elapsed = formatElapsed(framesToMs(recorder.framesRecorded, settings.source.format));
      const test = source.kind === 'test';
      node.status({ fill: test ? 'blue' : 'green', shape: 'dot', text: `${elapsed}${level}${test ? ' test' : ''}` });
    });
    node.status(idleStatus);
    const listen = (): void => {
      recorder.listen().then(
        () => {
          listening = true;
          if (!recorder.recording) node.status(restingStatus());
        },
        (err: Error) => {
          showError(err);
          node.error(`${RED._('mic-in.errors.source')}: ${err.message}`, {});
        },
      );
    };
    const unsubscribe: (() => void)[] = [];
    if (pico) {
      unsubscribe.push(
        pico.onStatus((status) => {
          picoStatus = status;
          if (!recorder.recording) node.status(restingStatus());
        }),
      );
      // A Pico comes and goes: listen on each link it brings up.
      if (settings.keepOpen) unsubscribe.push(pico.onLink(listen));
    } else if (settings.keepOpen) listen();

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
      for (const stop of unsubscribe.splice(0)) stop();
      ticker.stop();
      closeWhenSettled(node, recorder.close(), done);
    });
  }

  RED.nodes.registerType('mic-in', MicInNode);
  registerDeviceEndpoint(RED);
};
