import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import type { ChunkMessage } from '../audio/chunk-stream';
import { canonicalWavHeader } from '../audio/pcm-wav-header';
import { EventLoopStaller } from '../feed/event-loop-stall';
import type { BenchPortNode, ConsumerNode, StallNode } from './bench-node-types';

/**
 * Node types that exist only in the bench's Node-RED (registered through a module the
 * bench puts in the temporary user directory):
 * - bench-port: see BenchPortNode;
 * - bench-hold-wav: the in-memory baseline, recording the way the MATRIX Voice docs'
 *   pyaudio example does: every chunk appended to a list (`frames.append(data)`), the WAV
 *   written at the end in one go (`wf.writeframes(b''.join(frames))`);
 * - bench-drop: the null sink, which lets every chunk go at once: what the feeder, Node-RED
 *   and V8's garbage collector cost with no writer at all;
 * - bench-stall: see StallNode (no wires; the bench calls begin() and end()).
 * Both send a message with the file path (or "") on the take's end chunk, as wav-writer does.
 */
export = function registerBenchNodes(RED: NodeAPI): void {
  function BenchPort(this: BenchPortNode, config: NodeDef): void {
    RED.nodes.createNode(this, config);
    this.listener = undefined;
    this.on('input', (msg: NodeMessageInFlow, _send, done) => {
      this.listener?.(msg);
      done();
    });
  }
  RED.nodes.registerType('bench-port', BenchPort);

  function HoldWav(this: ConsumerNode, config: NodeDef & { directory: string }): void {
    RED.nodes.createNode(this, config);
    const node = this;
    let frames: Buffer[] = [];
    let name = 'take.wav';
    node.consumedBytes = 0;
    node.on('input', (input: NodeMessageInFlow, send, done) => {
      const msg = input as unknown as ChunkMessage;
      if (msg.audio.event === 'start') {
        frames = [];
        node.consumedBytes = 0;
        name = msg.filename ?? name;
      }
      frames.push(msg.payload);
      node.consumedBytes += msg.payload.length;
      if (msg.audio.event !== 'end') {
        done();
        return;
      }
      const path = join(config.directory, name);
      writeWav(path, msg.audio.format, Buffer.concat(frames)).then(
        (bytes) => {
          frames = [];
          send({ payload: path, recording: { path, bytes } });
          done();
        },
        (err: Error) => done(err),
      );
    });
  }
  RED.nodes.registerType('bench-hold-wav', HoldWav);

  function Drop(this: ConsumerNode, config: NodeDef): void {
    RED.nodes.createNode(this, config);
    this.consumedBytes = 0;
    this.on('input', (input: NodeMessageInFlow, send, done) => {
      const msg = input as unknown as ChunkMessage;
      this.consumedBytes += msg.payload.length;
      if (msg.audio.event === 'end') send({ payload: '' });
      done();
    });
  }
  RED.nodes.registerType('bench-drop', Drop);

  function Stall(this: StallNode, config: NodeDef & { blockMs: number; everyMs: number }): void {
    RED.nodes.createNode(this, config);
    const staller = new EventLoopStaller(Number(config.blockMs), Number(config.everyMs));
    this.blocks = staller.blocks;
    this.begin = () => staller.start();
    this.end = () => staller.stop();
    this.on('close', () => staller.stop());
  }
  RED.nodes.registerType('bench-stall', Stall);
};

async function writeWav(path: string, format: ChunkMessage['audio']['format'], pcm: Buffer): Promise<number> {
  const file = await open(path, 'w');
  try {
    await file.write(canonicalWavHeader(format, pcm.length), 0, 44, 0);
    for (let done = 0; done < pcm.length; ) {
      const { bytesWritten } = await file.write(pcm, done, pcm.length - done, 44 + done);
      done += bytesWritten;
    }
  } finally {
    await file.close();
  }
  return 44 + pcm.length;
}
