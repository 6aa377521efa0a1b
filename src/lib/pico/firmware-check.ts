import { BundledFirmware } from './bundled-firmware';
import { FirmwareIdentity } from './firmware-identify';
import { compareVersions, parseFirmwareText } from './firmware-version';
import { majorVersion, PROTOCOL_VERSION, versionText } from './link-frame';

/** What to do about a Pico's firmware on connect: nothing, say when it is missing or outdated, or deploy ours then. */
export const FIRMWARE_POLICIES = ['off', 'warn', 'deploy'] as const;
export type FirmwarePolicy = (typeof FIRMWARE_POLICIES)[number];

export type FirmwareVerdict =
  /** This package's version, or one that cannot be compared (another firmware speaking the protocol): usable as it is. */
  | { kind: 'current'; text: string }
  /** An older pico-mic: usable, and ours can replace it. */
  | { kind: 'outdated'; text: string }
  /** A newer pico-mic than this package's: usable; deploying would be a downgrade. */
  | { kind: 'newer'; text: string }
  /** Another protocol major version: not usable; `older` when deploying ours would fix it. */
  | { kind: 'incompatible'; text: string; older: boolean }
  /** No firmware answered: ours can be deployed. */
  | { kind: 'missing'; text: string };

/** The verdict on what answered, against the firmware this package ships; `text` says it for a status or a warning. */
export function judgeFirmware(identity: FirmwareIdentity, bundled: BundledFirmware): FirmwareVerdict {
  if (identity.kind === 'silent') return { kind: 'missing', text: `no pico-mic firmware answered (${identity.why})` };
  if (identity.kind === 'incompatible') {
    const theirs = majorVersion(identity.version);
    const ours = majorVersion(PROTOCOL_VERSION);
    return {
      kind: 'incompatible',
      older: theirs < ours,
      text: `the firmware speaks protocol ${versionText(identity.version)}, this host ${ours}.x: ${theirs < ours ? `deploy ${bundled.text}` : 'update node-red-contrib-audio-capture'}`,
    };
  }
  if (!identity.hello) return { kind: 'current', text: `pico-mic firmware of unknown version (${identity.refusal ?? 'no hello'})` };
  const found = identity.hello.firmware;
  const version = parseFirmwareText(found);
  if (!version) return { kind: 'current', text: found || 'unnamed firmware' };
  const order = compareVersions(version, bundled.version);
  if (order < 0) return { kind: 'outdated', text: `${found} is outdated: ${bundled.text} can be deployed` };
  if (order > 0) return { kind: 'newer', text: `${found} is newer than this package's ${bundled.text}` };
  return { kind: 'current', text: found };
}

/** Whether the policy has ours deployed for this verdict. */
export function wantsDeploy(policy: FirmwarePolicy, verdict: FirmwareVerdict): boolean {
  if (policy !== 'deploy') return false;
  return verdict.kind === 'missing' || verdict.kind === 'outdated' || (verdict.kind === 'incompatible' && verdict.older);
}

/** Whether the link can carry audio and buttons with this firmware. */
export function isUsable(verdict: FirmwareVerdict): boolean {
  return verdict.kind === 'current' || verdict.kind === 'outdated' || verdict.kind === 'newer';
}
