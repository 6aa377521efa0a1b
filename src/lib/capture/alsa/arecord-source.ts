import { ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import { assertFormat, AudioFormat, bytesPerFrame } from '../../audio/format';
import { sampleFormatName } from '../../audio/sample-format-names';
import { SourceInfo } from '../../contract/audio-chunk';
import { AudioSource, AudioSourceEvents, SourceFailure } from '../audio-source';
import { EarlyAudio } from '../early-audio';
import { FrameAligner } from '../frame-aligner';
import { ArecordMessage, parseArecordLine } from './arecord-messages';
import type { AlsaSourceOptions } from './alsa-source';
import { DeviceBusyError, retryWhileBusy } from './busy-retry';

export interface ArecordSourceOptions extends AlsaSourceOptions {
  /** The arecord executable, for systems where it is not on PATH. */
  command?: string;
}

/** How long arecord gets to stop after SIGTERM before it is killed. */
const STOP_GRACE_MS = 2000;

/**
 * Captures through `arecord` (alsa-utils, on every Raspberry Pi OS), which works where
 * naudiodon cannot be built (64-bit ARM). Raw PCM only (`-t raw`: a WAV header never lands
 * in the stream); stderr tells when the device is open, about overruns and errors.
 */
export class ArecordSource extends EventEmitter<AudioSourceEvents> implements AudioSource {
  readonly format: AudioFormat;
  readonly info: SourceInfo;
  private child: ChildProcess | undefined;
  private delivering = false;
  /** start() was called once: from then on, audio outside delivery is dropped, not held. */
  private started = false;
  private readonly early: EarlyAudio;
  private closing = false;
  private openedAt = 0n;
  private framesReceived = 0;

  constructor(private readonly options: ArecordSourceOptions) {
    super();
    assertFormat(options.format);
    this.format = options.format;
    this.info = { kind: 'alsa', device: options.device, backend: 'arecord' };
    // Up to one buffer's worth, as the device itself would keep.
    this.early = new EarlyAudio(((options.bufferMs * options.format.sampleRate) / 1000) * bytesPerFrame(options.format));
  }

  /** Starts arecord and resolves once it has the device open; retries a while if the device is busy. */
  async open(): Promise<void> {
    await retryWhileBusy(() => this.launch());
  }

  start(): void {
    this.started = true;
    this.delivering = true;
    // Audio read between the open and this call is the device's first: it goes out first.
    for (const pcm of this.early.release()) this.emit('data', pcm);
  }

  stop(): void {
    this.delivering = false;
  }

  /** Ends arecord, also while open() is still waiting for it: open() then rejects. */
  async close(): Promise<void> {
    this.delivering = false;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.closing = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  private args(): string[] {
    const { device, format, periodMs, bufferMs } = this.options;
    return [
      '-D', device,
      '-f', sampleFormatName(format),
      '-r', String(format.sampleRate),
      '-c', String(format.channels),
      '-t', 'raw',
      '--period-time', String(Math.round(periodMs * 1000)),
      '--buffer-time', String(Math.round(bufferMs * 1000)),
    ];
  }

  /** One attempt: resolves when arecord announces the open device, rejects with what it said. */
  private launch(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.options.command ?? 'arecord', this.args(), { stdio: ['ignore', 'pipe', 'pipe'] });
      // Known from the spawn on, so close() can end an open that hangs.
      this.child = child;
      const said: string[] = [];
      let opened = false;
      // The device is open once arecord says so, or once its audio arrives, whichever comes first
      // (two pipes: either can be read first). Resolving on the first audio lets start() follow it at once.
      const markOpened = (): void => {
        if (opened) return;
        opened = true;
        this.openedAt = process.hrtime.bigint();
        resolve();
      };
      const aligner = new FrameAligner(bytesPerFrame(this.format));
      child.stdout.on('data', (bytes: Buffer) => {
        markOpened();
        this.receive(aligner.push(bytes));
      });
      createInterface({ input: child.stderr }).on('line', (line) => {
        said.push(line);
        const message = parseArecordLine(line);
        if (message?.kind === 'recording') {
          markOpened();
        } else if (message?.kind === 'overrun') {
          this.reportOverrun(message.atLeastMs);
        }
      });
      child.on('error', (err) => {
        if (!opened) reject(new SourceFailure(`cannot run arecord: ${err.message}`, 'error', { cause: err }));
      });
      child.on('exit', (code, signal) => {
        if (this.closing) {
          if (!opened) reject(new SourceFailure(`${this.options.device}: closed while opening`, 'error'));
          return;
        }
        const failure = this.explain(said, code, signal);
        if (!opened) reject(failure);
        else this.emit('error', failure);
      });
    });
  }

  private receive(pcm: Buffer): void {
    if (pcm.length === 0) return;
    this.framesReceived += pcm.length / bytesPerFrame(this.format);
    if (this.delivering) this.emit('data', pcm);
    else if (!this.started) this.early.hold(pcm);
  }

  /**
   * arecord only says "at least N ms" were lost. The wall clock bounds it: frames due since
   * the open, less those received, is the most that can be missing.
   */
  private reportOverrun(atLeastMs: number): void {
    const elapsedMs = Number(process.hrtime.bigint() - this.openedAt) / 1e6;
    const due = Math.floor((elapsedMs * this.format.sampleRate) / 1000) - this.framesReceived;
    const lost = Math.max(0, Math.min(Math.round((atLeastMs * this.format.sampleRate) / 1000), due));
    this.framesReceived += lost;
    if (this.delivering) this.emit('overrun', lost);
  }

  private explain(said: string[], code: number | null, signal: NodeJS.Signals | null): SourceFailure {
    const messages = said.map(parseArecordLine).filter((m): m is Exclude<ArecordMessage, { kind: 'recording' | 'overrun' }> => m !== undefined && 'text' in m);
    const last = messages.at(-1);
    const device = this.options.device;
    const ending = signal ? `killed by ${signal}` : `exit code ${code}`;
    if (!last) {
      // Whatever arecord said last ("Aborted by signal...", a write error) is the best clue there is.
      const lastWords = said.filter((line) => line.trim() !== '' && parseArecordLine(line)?.kind !== 'recording').at(-1);
      return new SourceFailure(`arecord on ${device} ended (${ending})${lastWords ? `: ${lastWords.trim()}` : ''}`, 'device-lost');
    }
    const text = `${device}: ${last.text.replace(/^arecord: [\w:]+ /, '')}`;
    if (last.kind === 'busy') return new DeviceBusyError(text);
    return new SourceFailure(text, last.kind === 'failed' ? 'device-lost' : 'error');
  }
}
