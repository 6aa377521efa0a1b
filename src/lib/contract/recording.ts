import { AudioFormat } from '../audio/format';
import { EndReason } from './audio-chunk';

/** `msg.recording` of the "recording finished" message (see ARCHITECTURE.md). */
export interface RecordingInfo {
  session: string;
  path: string;
  frames: number;
  durationMs: number;
  bytes: number;
  format: AudioFormat;
  container: 'wav' | 'rf64';
  startedAt: string;
  endedAt: string;
  reason: EndReason;
  dropped: number;
  /** Every file of the recording, in order, when it was split at the filesystem's file size limit. */
  parts?: string[];
}
