import { setImmediate as nextLoopTurn, setTimeout as sleep } from 'node:timers/promises';
import type { ChunkMessage } from '../audio/chunk-stream';
import type { BenchPortNode } from '../red/bench-node-types';

/**
 * Feeds audio chunks into a flow as fast as the writer takes them, and no faster.
 *
 * Node-RED has no backpressure: node.send() only queues a delivery (setImmediate), so a
 * loop that sends 1.8 GB without pausing would hold all of it in Node-RED's queue and
 * measure the feeder, not the writer. Two rules make the feed fair:
 *
 * 1. Bounded in flight. Before each chunk the feeder waits (1 ms naps) while the bytes it
 *    sent minus the bytes the writer has consumed exceed `maxInFlightBytes`. "Consumed"
 *    comes from `landedBytes`: for wav-writer the PCM bytes in its partial file on disk
 *    (its size minus the header), for the in-memory baseline the bytes in its list. So the
 *    bound covers everything between the source and the disk: Node-RED's delivery queue,
 *    wav-writer's write queue, the write under way. It is the backlog a capture device
 *    would see behind a slow disk, kept small and measured (peakInFlightBytes).
 *
 *    Node-RED's "complete" event is no substitute: wav-writer calls done() for a data chunk
 *    as soon as WavSessionWriter.write() has queued it (WavFileWriter.append only pushes
 *    the Buffer on a queue), before any byte is written; a feeder paced by it would let
 *    the write queue grow without limit.
 *
 * 2. One event-loop turn per chunk, even under the bound, so Node-RED's deliveries, the
 *    file system callbacks, the header refresh timer and the RSS sampler all get to run,
 *    as they do between a real device's periods.
 */
export class Feeder {
  sentBytes = 0;
  peakInFlightBytes = 0;
  /** How many 1 ms naps the bound forced. */
  waits = 0;

  constructor(
    private readonly port: BenchPortNode,
    private readonly landedBytes: () => number,
    readonly maxInFlightBytes: number,
  ) {}

  get inFlightBytes(): number {
    return this.sentBytes - this.landedBytes();
  }

  async send(msg: ChunkMessage): Promise<void> {
    while (this.inFlightBytes > this.maxInFlightBytes) {
      this.waits++;
      await sleep(1);
    }
    this.port.send(msg);
    this.sentBytes += msg.payload.length;
    this.peakInFlightBytes = Math.max(this.peakInFlightBytes, this.inFlightBytes);
    await nextLoopTurn();
  }

  /** Resolves once everything sent has been consumed. */
  async drain(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.inFlightBytes > 0) {
      if (Date.now() > deadline) throw new Error(`writer still has ${this.inFlightBytes} bytes in flight after ${timeoutMs} ms`);
      await sleep(1);
    }
  }
}
