import { AudioFormat, bytesPerFrame, formatProblem } from '../audio/format';
import { AudioLevel } from '../audio/level';

export type ChunkEvent = 'start' | 'data' | 'end';

/**
 * Why a recording (or one file of it) ended. 'interrupted': it never got its end chunk (a
 * new session began in the writer first, or the file was recovered after a crash).
 * 'rollover': wav-writer reached its own size or duration limit and the session goes on in
 * the next file. 'disk-full' and 'card-removed': a wav-writer writing to an SD card (an
 * sd-card config node) ended the file because the card filled up (or its free space fell
 * below the reserve) or went away.
 */
export type EndReason =
  | 'stop'
  | 'max-duration'
  | 'rollover'
  | 'silence'
  | 'error'
  | 'device-lost'
  | 'close'
  | 'interrupted'
  | 'disk-full'
  | 'card-removed';

export interface SourceInfo {
  kind: 'alsa' | 'pico' | 'test';
  device: string;
  /** For ALSA: the capture backend in use. */
  backend?: 'portaudio' | 'arecord';
}

/** `msg.audio` of an audio chunk message (see ARCHITECTURE.md). */
export interface AudioChunkInfo {
  session: string;
  seq: number;
  frame: number;
  format: AudioFormat;
  source: SourceInfo;
  event: ChunkEvent;
  reason?: EndReason;
  level?: AudioLevel;
  dropped: number;
}

export interface AudioChunk {
  payload: Buffer;
  audio: AudioChunkInfo;
  /** On a start chunk: the file name asked for with the start command (msg.filename). */
  filename?: unknown;
}

const EVENTS: readonly string[] = ['start', 'data', 'end'];

/** Why a message is not a well-formed audio chunk, or undefined when it is. */
export function audioChunkProblem(msg: { payload?: unknown; audio?: unknown }): string | undefined {
  if (!Buffer.isBuffer(msg.payload)) return `msg.payload must be a Buffer of PCM, got ${describe(msg.payload)}`;
  const audio = msg.audio as Partial<AudioChunkInfo> | undefined;
  if (typeof audio !== 'object' || audio === null) return 'msg.audio is missing: expected an audio chunk from mic-in';
  if (typeof audio.session !== 'string' || audio.session === '') return 'msg.audio.session must be a non-empty string';
  if (!EVENTS.includes(audio.event as string)) return `msg.audio.event must be start, data or end, got ${String(audio.event)}`;
  if (!Number.isSafeInteger(audio.frame) || (audio.frame as number) < 0) return 'msg.audio.frame must be a whole number >= 0';
  const formatError = formatProblem(audio.format);
  if (formatError) return `msg.audio.format: ${formatError}`;
  const frameBytes = bytesPerFrame(audio.format as AudioFormat);
  if (msg.payload.length % frameBytes !== 0) {
    return `payload of ${msg.payload.length} bytes is not a whole number of ${frameBytes}-byte frames`;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
