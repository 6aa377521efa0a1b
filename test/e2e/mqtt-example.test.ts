import assert from 'node:assert/strict';
import { FileHandle, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import { RecordingInfo } from '../../src/lib/contract/recording';
import { readWavInfo } from '../../src/lib/wav/header';
import { AlsaStandIn } from '../support/alsa-stand-in';
import { adjustedExample, MainJob } from '../support/main-job';
import { Mosquitto } from '../support/mosquitto';
import { soxInfo } from '../support/wav-readers';
import { waitFor } from '../support/wait';

const COMMANDS = 'audio/recorder1/cmd';
const EVENTS = 'audio/recorder1/event';
const ERRORS = 'audio/recorder1/error';
// Node id in examples/record-on-mqtt.json.
const WAV_WRITER = 'a1c0de0000000205';

/** The example with its broker moved to the test's Mosquitto, written where the main job can deploy it. */
function exampleOnPort(directory: string, port: number): Promise<string> {
  return adjustedExample(directory, 'record-on-mqtt.json', (nodeOfType) => {
    const broker = nodeOfType('mqtt-broker');
    assert.equal(broker.broker, 'localhost');
    broker.port = String(port);
    // The FIFO microphone below works through arecord only: PortAudio opens every device while listing them.
    const mic = nodeOfType('mic-in');
    assert.equal(mic.backend, 'auto');
    mic.backend = 'arecord';
  });
}

describe('the MQTT example flow, against a real Mosquitto broker', { timeout: 90_000 }, () => {
  let broker: Mosquitto;
  let standIn: AlsaStandIn;
  let userDir: string;
  let job: MainJob;
  let client: mqtt.MqttClient;
  let microphone: FileHandle | undefined;
  const received: { topic: string; payload: string }[] = [];

  before(async () => {
    broker = await Mosquitto.start();
    // A FIFO microphone: it delivers only what the test writes, at the test's pace.
    standIn = await AlsaStandIn.create([{ name: 'usbmic', format: { sampleRate: 16000, channels: 1, bitDepth: 16, encoding: 'signed' }, seconds: 0, fifo: true }]);
    process.env.ALSA_CONFIG_PATH = standIn.configPath;
    userDir = await mkdtemp(join(tmpdir(), 'mqtt-example-'));
    job = new MainJob(userDir, await exampleOnPort(userDir, broker.port));
    await job.started();
    client = await mqtt.connectAsync(broker.url, { clientId: 'home-assistant-stand-in' });
    client.on('message', (topic, payload) => received.push({ topic, payload: payload.toString() }));
    await client.subscribeAsync([EVENTS, ERRORS], { qos: 1 });
    // The flow's own subscription must be in place before a command is sent.
    await waitFor(() => (/Connected to broker/.test(job.log) ? true : undefined), 'Node-RED to connect to the broker', 15_000);
  });

  after(async () => {
    await microphone?.close();
    await client?.endAsync();
    await job?.stop('SIGTERM');
    await broker?.stop();
    await rm(userDir, { recursive: true, force: true });
    await standIn?.dispose();
  });

  it('records between a start and a stop sent over MQTT, and publishes the finished recording', async () => {
    await client.publishAsync(COMMANDS, 'start', { qos: 1 });
    microphone = await standIn.feed('usbmic');
    const audio = Buffer.alloc(16000 * 2);
    for (let i = 0; i < 16000; i++) audio.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 16000)), i * 2);
    await microphone.write(audio);
    // Stop once the whole chunks of that second are on disk (the rest comes with the end chunk).
    const partials = join(userDir, 'recordings', '.partial', WAV_WRITER);
    await waitFor(async () => {
      const [name] = await readdir(partials).catch(() => []);
      return name && (await stat(join(partials, name))).size >= 9 * 3200 ? true : undefined;
    }, 'the audio to reach the file', 15_000);
    await client.publishAsync(COMMANDS, 'stop', { qos: 1 });

    const event = await waitFor(() => received.find((m) => m.topic === EVENTS), 'the event message', 15_000);
    const recording = JSON.parse(event.payload) as RecordingInfo;
    assert.equal(recording.reason, 'stop');
    assert.deepEqual(recording.format, { sampleRate: 16000, channels: 1, bitDepth: 16, encoding: 'signed' });
    assert.ok(recording.frames >= 9 * 1600 && recording.frames <= 16000, `${recording.frames} frames of the 16000 fed`);
    const data = (await readFile(recording.path)).subarray((await readWavInfo(recording.path)).dataOffset);
    assert.deepEqual(data, audio.subarray(0, data.length), 'the file holds the audio the microphone delivered');
    assert.match(recording.path, new RegExp(`^${userDir}/recordings/recorder1-.+\\.wav$`));
    assert.equal((await soxInfo(recording.path)).frames, recording.frames, 'sox reads the file the event names');
    assert.deepEqual(received.filter((m) => m.topic === ERRORS), []);
  });

  it('reports a bad command on the error topic', async () => {
    received.length = 0;
    await client.publishAsync(COMMANDS, 'record please', { qos: 1 });
    const error = await waitFor(() => received.find((m) => m.topic === ERRORS), 'the error message', 10_000);
    assert.match(error.payload, /expected "start", "stop", "toggle"/);
  });
});
