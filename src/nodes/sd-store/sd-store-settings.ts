import { checkedPattern } from '../../lib/recording/file-names';
import { type RetentionPolicy, retentionPolicyProblem } from '../../lib/storage/retention';
import { configNumber } from '../shared/config-number';

/** sd-store's properties as the editor saves them. */
export interface SdStoreConfig {
  /** The id of an sd-card config node. */
  storage?: string;
  pattern?: string;
  keepLast?: string | number;
  maxMb?: string | number;
  maxAgeDays?: string | number;
}

export interface SdStoreSettings {
  storageId: string;
  pattern: string;
  retention: RetentionPolicy;
}

/** Checks the node's properties and turns them into settings; every retention limit is off at 0. */
export function sdStoreSettings(config: SdStoreConfig): SdStoreSettings {
  const storageId = config.storage?.trim();
  if (!storageId) throw new RangeError('no SD card is chosen');
  const pattern = checkedPattern(config.pattern, 'recording{counter}.wav');
  const retention: RetentionPolicy = {
    keepLast: configNumber(config.keepLast, 0, 'number of recordings to keep', 0, 1e9),
    maxBytes: configNumber(config.maxMb, 0, 'megabytes of recordings to keep', 0, 1e9) * 1e6,
    maxAgeDays: configNumber(config.maxAgeDays, 0, 'days to keep recordings', 0, 1e5),
  };
  const problem = retentionPolicyProblem(retention);
  if (problem !== undefined) throw new RangeError(problem);
  return { storageId, pattern, retention };
}
