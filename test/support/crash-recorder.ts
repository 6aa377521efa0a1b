// Child process of the crash test: records the PCM pattern in real time until it is
// killed, and prints "appended <frames>" after every append so the parent knows how far
// it got. Arguments: path, format (JSON), refresh interval ms, frames per append, ms
// between appends.
import type { AudioFormat } from '../../src/lib/audio/format';
import { WavFileWriter } from '../../src/lib/wav';
import { pcmPattern } from './pcm-pattern';

const [path = '', formatJson = '', refreshIntervalMs = '', framesPerAppend = '', appendIntervalMs = ''] = process.argv.slice(2);
const format = JSON.parse(formatJson) as AudioFormat;
const writer = new WavFileWriter(path, format, {
  refreshIntervalMs: Number(refreshIntervalMs),
  onError: (err) => {
    console.error(err);
    process.exit(1);
  },
});
let frames = 0;
setInterval(() => {
  writer.append(pcmPattern(format, frames, Number(framesPerAppend)));
  frames += Number(framesPerAppend);
  process.stdout.write(`appended ${frames}\n`);
}, Number(appendIntervalMs));
