import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';
import { RestartBackoff, RetryOptions } from '../gpio/restart-backoff';
import { BundledFirmware } from './bundled-firmware';
import { FirmwarePolicy, FirmwareVerdict, isUsable, judgeFirmware, wantsDeploy } from './firmware-check';
import { DeployOptions, DeployResult, deployFirmware } from './firmware-deploy';
import { identifyFirmware, IdentifyOptions } from './firmware-identify';
import { PicoLink } from './pico-link';
import { PortSession } from './port-session';

/** connected: a link runs usable firmware; connecting: opening, identifying, deploying; disconnected: the port is absent or gone; error: it is there but unusable. */
export type ConnectionState = 'connected' | 'disconnected' | 'connecting' | 'error';

export interface ConnectionStatus {
  state: ConnectionState;
  text: string;
}

export interface PicoConnectionOptions {
  /** /dev/ttyACM0, /dev/serial/by-id/..., a UART such as /dev/ttyAMA0. */
  path: string;
  /** USB CDC ignores it; a UART link runs at it. */
  baudRate: number;
  firmwarePolicy: FirmwarePolicy;
  firmware: BundledFirmware;
  /** Waits between attempts to open the port. Default 500 ms doubling to 10 s. */
  retry?: RetryOptions;
  identify?: IdentifyOptions;
  deploy?: Omit<DeployOptions, 'firmware' | 'onStep'>;
}

export interface PicoConnectionEvents {
  status: [status: ConnectionStatus];
  /** A new link is up with usable firmware: streams may start on it. */
  link: [link: PicoLink];
  /** Firmware worth telling the user about (outdated, newer, missing, incompatible), on connect or when a hello shows it. */
  firmware: [verdict: FirmwareVerdict];
  /** What happened, for the log. */
  log: [text: string];
}

const DEFAULT_RETRY: RetryOptions = { initialMs: 500, maxMs: 10_000, stableAfterMs: 10_000 };

/**
 * The serial connection to one Pico, shared by every node that uses it. Opens the port (and
 * keeps trying, with exponential backoff, while it is absent: a Pico not plugged in yet, or
 * unplugged), finds out which firmware runs, deploys ours when the policy says so, and hands
 * out one PicoLink per open port. When the port goes away the link closes (a recording on it
 * ends with device-lost) and the port is looked for again.
 */
export class PicoConnection extends EventEmitter<PicoConnectionEvents> {
  private port: SerialPort | undefined;
  private session: PortSession | undefined;
  /** The link on the current session, published or not. */
  private sessionLink: PicoLink | undefined;
  private published: PicoLink | undefined;
  /** The verdict on the firmware the session's link talks to. */
  private verdictText = '';
  private current: ConnectionStatus;
  private readonly backoff: RestartBackoff;
  private retryTimer: NodeJS.Timeout | undefined;
  private openedAt = 0;
  private closed = false;
  /** Setting up a link and deploying take turns on the port. */
  private work: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: PicoConnectionOptions) {
    super();
    this.backoff = new RestartBackoff(options.retry ?? DEFAULT_RETRY);
    this.current = { state: 'connecting', text: `opening ${options.path}` };
  }

  get status(): ConnectionStatus {
    return this.current;
  }

  /** The link to use now, or undefined while there is no usable one. */
  get link(): PicoLink | undefined {
    return this.published;
  }

  start(): void {
    this.attempt();
  }

  /** Deploys the bundled firmware now (the editor's button); resolves once the Pico runs it. */
  deploy(): Promise<DeployResult> {
    return this.queue(() => this.runDeploy());
  }

  /** Lets go of the port (links close) and stops looking for it. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.published = undefined;
    this.session?.end();
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private attempt(): void {
    if (this.closed) return;
    const { path, baudRate } = this.options;
    // No status for the attempt itself: while the port stays away, retries leave the status (and the log) alone.
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    port.open((err) => {
      if (err) {
        this.setStatus(...openProblem(path, err));
        this.scheduleRetry(0);
        return;
      }
      if (this.closed) {
        port.close();
        return;
      }
      this.port = port;
      this.openedAt = Date.now();
      port.on('close', () => this.onPortClosed(port));
      port.on('error', (error: Error) => this.emit('log', `${path}: ${error.message}`));
      void this.queue(() => this.setUp(false)).catch((error: Error) => this.setStatus('error', error.message));
    });
  }

  private scheduleRetry(healthyMs: number): void {
    if (this.closed) return;
    this.retryTimer = setTimeout(() => this.attempt(), this.backoff.delayAfter(healthyMs));
  }

  private onPortClosed(port: SerialPort): void {
    if (port !== this.port) return;
    this.port = undefined;
    this.published = undefined;
    this.session?.end();
    if (this.closed) return;
    this.setStatus('disconnected', `${this.options.path} is gone (unplugged?): waiting for it`);
    this.scheduleRetry(Date.now() - this.openedAt);
  }

  private queue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.work.then(task);
    this.work = run.catch(() => undefined);
    return run;
  }

  /** A new link on the open port: what firmware runs, then published, deployed over, or reported. */
  private async setUp(justDeployed: boolean, note = ''): Promise<void> {
    const port = this.port;
    if (!port || this.closed) return;
    const { path, firmwarePolicy, firmware } = this.options;
    const session = new PortSession(port);
    this.session = session;
    const link = new PicoLink(session);
    this.sessionLink = link;
    if (firmwarePolicy === 'off') {
      this.publish(link, `${path} open (firmware not checked)`);
      return;
    }
    this.setStatus('connecting', `${path}: looking for the pico-mic firmware`);
    const verdict = judgeFirmware(await identifyFirmware(link, this.options.identify), firmware);
    if (!session.active) return;
    if (!justDeployed && wantsDeploy(firmwarePolicy, verdict)) {
      this.emit('firmware', verdict);
      await this.runDeploy().catch(() => undefined);
      return;
    }
    this.watchHellos(link);
    this.settle(link, verdict, note);
  }

  private settle(link: PicoLink, verdict: FirmwareVerdict, note: string): void {
    this.verdictText = verdict.text;
    if (verdict.kind !== 'current') this.emit('firmware', verdict);
    if (isUsable(verdict)) this.publish(link, `${this.options.path}: ${verdict.text}`);
    else {
      this.published = undefined;
      this.setStatus('error', `${note}${verdict.text}`);
    }
  }

  /** A hello after the connect (a reboot, a stream starting) may show other firmware than was found at first. */
  private watchHellos(link: PicoLink): void {
    link.on('hello', (hello) => {
      if (link !== this.sessionLink) return;
      const verdict = judgeFirmware({ kind: 'protocol', hello }, this.options.firmware);
      if (verdict.text !== this.verdictText) this.settle(link, verdict, '');
    });
  }

  private publish(link: PicoLink, text: string): void {
    const fresh = this.published !== link;
    this.published = link;
    this.setStatus('connected', text);
    if (fresh) this.emit('link', link);
  }

  private async runDeploy(): Promise<DeployResult> {
    const port = this.port;
    const { path, firmware } = this.options;
    if (!port || this.closed) throw new Error(`cannot deploy: ${this.current.text}`);
    this.published = undefined;
    this.session?.end();
    this.setStatus('connecting', `${path}: deploying ${firmware.text}`);
    const session = new PortSession(port);
    let note = '';
    try {
      const result = await deployFirmware(session, { ...this.options.deploy, firmware, onStep: (step) => this.emit('log', `${path}: deploy: ${step}`) });
      this.emit('log', `${path}: deployed ${result.firmware} (${result.bytes} bytes, ${result.rawPaste ? 'raw-paste mode' : 'plain raw REPL'})`);
      return result;
    } catch (err) {
      note = `deploy failed: ${(err as Error).message}; `;
      this.emit('log', `${path}: ${note}`);
      throw err;
    } finally {
      session.end();
      if (this.port === port) await this.setUp(true, note);
    }
  }

  private setStatus(state: ConnectionState, text: string): void {
    if (this.current.state === state && this.current.text === text) return;
    this.current = { state, text };
    this.emit('status', this.current);
  }
}

/** Why the port did not open, as a status: absent is waited for; anything else is an error worth reading. */
function openProblem(path: string, err: Error): [ConnectionState, string] {
  const message = err.message;
  if (/No such file|ENOENT/i.test(message)) return ['disconnected', `waiting for ${path} (not plugged in?)`];
  if (/Permission denied|EACCES/i.test(message)) return ['error', `no permission to open ${path}: add the Node-RED user to the dialout group`];
  if (/lock|Resource temporarily unavailable|EBUSY/i.test(message)) return ['error', `${path} is in use by another program`];
  return ['error', `cannot open ${path}: ${message}`];
}
