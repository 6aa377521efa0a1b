// The main job: starts Node-RED with this package's nodes and the example flow that records
// the built-in test signal. Node-RED listens on 127.0.0.1 at $PORT (default 1880; a free port
// when that one is taken or PORT=0); its user directory is $DEMO_DIR (default .tmp/demo).
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const userDir = resolve(process.env.DEMO_DIR || join(root, '.tmp/demo'));
// A file in examples/, or a path of its own (tests deploy adjusted copies).
const example = process.env.DEMO_FLOW || 'record-test-signal.json';

function portIsFree(port) {
  return new Promise((done) => {
    const server = createServer()
      .once('error', () => done(false))
      .listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

function freePort() {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

const wanted = Number(process.env.PORT ?? 1880);
const port = wanted > 0 && (await portIsFree(wanted)) ? wanted : await freePort();

// Node-RED finds the package the way it finds an installed one: in the user directory's node_modules.
mkdirSync(join(userDir, 'node_modules'), { recursive: true });
const link = join(userDir, 'node_modules', 'node-red-contrib-audio-capture');
if (!existsSync(link)) symlinkSync(root, link, 'dir');
writeFileSync(
  join(userDir, 'package.json'),
  JSON.stringify({ name: 'audio-capture-demo', private: true, dependencies: { 'node-red-contrib-audio-capture': `file:${root}` } }, null, 2),
);
writeFileSync(
  join(userDir, 'settings.js'),
  `module.exports = ${JSON.stringify({ uiHost: '127.0.0.1', uiPort: port, flowFile: 'flows.json', credentialSecret: false, logging: { console: { level: 'info' } } }, null, 2)};\n`,
);
if (!existsSync(join(userDir, 'flows.json')) || process.env.DEMO_RESET_FLOW) {
  copyFileSync(resolve(root, 'examples', example), join(userDir, 'flows.json'));
}

console.log(`Node-RED editor:  http://127.0.0.1:${port}/`);
console.log(`Recordings go to: ${join(userDir, 'recordings')}`);
console.log('Open the "Record a test signal" tab and press start. Ctrl-C stops Node-RED.');

const child = spawn(process.execPath, [join(root, 'node_modules/node-red/red.js'), '--userDir', userDir, '--settings', join(userDir, 'settings.js')], {
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
