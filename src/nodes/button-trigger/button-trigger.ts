import type { Node, NodeAPI, NodeDef, NodeMessageInFlow, NodeStatus } from 'node-red';
import { ButtonInfo, parseButtonInput } from '../../lib/contract/button';
import { InputButton } from '../../lib/gpio/input-button';
import { triggerCommand } from '../../lib/gpio/trigger-modes';
import { refuseForConfiguration } from '../shared/configuration-error';
import { FailureReports } from '../shared/failure-reports';
import { closeWhenSettled } from '../shared/message-outcome';
import { ButtonSource, createButtonSource } from './button-source';
import { failedStatus, PICO_WAITING, PRESSED, STARTING, WATCHING } from './button-status';
import { ButtonTriggerConfig, ButtonTriggerSettings, buttonTriggerSettings } from './button-trigger-settings';

type ButtonTriggerDef = NodeDef & ButtonTriggerConfig;

export = function registerButtonTrigger(RED: NodeAPI): void {
  function ButtonTriggerNode(this: Node, config: ButtonTriggerDef): void {
    RED.nodes.createNode(this, config);
    const node = this;

    let settings: ButtonTriggerSettings;
    let source: ButtonSource;
    try {
      settings = buttonTriggerSettings(config);
      source = createButtonSource(settings, (id) => RED.nodes.getNode(id));
    } catch (err) {
      refuseForConfiguration(RED, node, 'button-trigger', err);
      return;
    }

    const reports = new FailureReports();
    /** What the source is doing, shown again when a held button is released. */
    let sourceStatus: NodeStatus = settings.source.kind === 'gpio' ? STARTING : PICO_WAITING;
    const showSource = (status: NodeStatus): void => {
      sourceStatus = status;
      node.status(status);
    };

    const onGesture = (button: ButtonInfo): void => {
      if (button.event === 'press') node.status(PRESSED);
      else if (button.event === 'release') node.status(sourceStatus);
      const command = triggerCommand(settings.actions, button.event);
      if (command === undefined && !settings.everyEvent) return;
      node.send({ topic: settings.topic, payload: command ?? null, button });
    };

    node.status(sourceStatus);
    source.start({
      gesture: onGesture,
      watching: (gpiomon) => {
        reports.recovered();
        showSource(WATCHING);
        if (gpiomon !== undefined && settings.source.kind === 'gpio') {
          const { chip, line } = settings.source;
          node.log(RED._('button-trigger.log.watching', { chip, line, gpiomon }));
        }
      },
      waiting: () => showSource(PICO_WAITING),
      failed: (failure) => {
        showSource(failedStatus(failure, (key, substitutions) => RED._(key, substitutions)));
        if (!reports.isFirst(failure.kind)) return;
        const message = settings.source.kind === 'pico' ? `${RED._('button-trigger.errors.pico')}: ${failure.message}` : failure.message;
        // With a message, so Catch nodes see failures that no incoming message caused.
        node.error(message, { payload: message });
      },
    });

    const input = new InputButton(settings.timing, (gestures) => {
      for (const gesture of gestures) onGesture({ event: gesture.kind, source: 'input', at: gesture.at });
    });

    node.on('input', (msg: NodeMessageInFlow, _send, done) => {
      let down: boolean;
      try {
        down = parseButtonInput(msg);
      } catch (err) {
        done(err as Error);
        return;
      }
      input.set(down);
      done();
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      input.close();
      closeWhenSettled(node, source.close(), done);
    });
  }

  RED.nodes.registerType('button-trigger', ButtonTriggerNode);
};
