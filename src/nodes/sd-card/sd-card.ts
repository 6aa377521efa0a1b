import type { NodeAPI, NodeAPISettingsWithData, NodeDef } from 'node-red';
import { CardMonitor } from '../../lib/storage/card-monitor';
import type { SdCardNode } from '../shared/storage-card';
import { SdCardConfig, sdCardSettings } from './sd-card-settings';

type SdCardDef = NodeDef & SdCardConfig;
/** Node-RED's settings, with the one of this node (settings.js). */
type SdCardRuntimeSettings = NodeAPISettingsWithData & { sdCardFatMaxFileBytes?: unknown };

export = function registerSdCard(RED: NodeAPI<SdCardRuntimeSettings>): void {
  /** A config node: one card monitor shared by the wav-writers and sd-stores that name it. */
  function SdCardConfigNode(this: SdCardNode, config: SdCardDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    let card: CardMonitor;
    try {
      card = new CardMonitor(sdCardSettings(config, RED.settings.userDir as string | undefined, RED.settings.sdCardFatMaxFileBytes));
    } catch (err) {
      node.error(`${RED._('sd-card.errors.config')}: ${(err as Error).message}`);
      return;
    }
    node.card = card;

    // A config node has no status: the log tells when the card goes and comes back.
    let present: boolean | undefined;
    card.subscribe((status) => {
      if (status.present === present) return;
      if (status.present) node.log(`${RED._('sd-card.log.present')}: ${card.directory} (${status.fsType ?? '?'})`);
      else node.warn(`${RED._('sd-card.log.missing')}: ${status.reason ?? ''}`);
      present = status.present;
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      card.close();
      done();
    });
  }

  RED.nodes.registerType('sd-card', SdCardConfigNode);
};
