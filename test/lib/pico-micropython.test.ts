import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readHello } from '../../src/lib/pico/device-messages';
import { LinkFrameDecoder } from '../../src/lib/pico/frame-decoder';
import { DeviceFrameType } from '../../src/lib/pico/frame-types';
import { encodeCommand } from '../../src/lib/pico/host-commands';
import { LinkFrame } from '../../src/lib/pico/link-frame';

interface MicroPython {
  runPython(code: string): unknown;
}

/** MicroPython itself (the WebAssembly port), printing into `out`. */
async function microPython(out: string[]): Promise<MicroPython> {
  const { loadMicroPython } = (await import('@micropython/micropython-webassembly-pyscript')) as {
    loadMicroPython: (options: { stdout: (line: string) => void }) => Promise<MicroPython>;
  };
  return loadMicroPython({ stdout: (line) => out.push(line) });
}

/** Frame building as the firmware does it: struct.pack_into into a header, binascii.crc32 run over header then payload. */
const FIRMWARE_ENCODER = `
import binascii, struct
def frame(kind, seq, sample, ticks, payload):
    header = bytearray(20)
    struct.pack_into('<4sBBHIII', header, 0, b'\\xa5\\x5aPK', 0x10, kind, len(payload), seq, sample & 0xFFFFFFFF, ticks)
    crc = binascii.crc32(payload, binascii.crc32(header))
    return bytes(header) + bytes(payload) + struct.pack('<I', crc)
`;

describe('Pico link against MicroPython binascii.crc32', () => {
  it('decodes frames built the firmware way, including a sample index past 2^30', async () => {
    const out: string[] = [];
    const mp = await microPython(out);
    mp.runPython(`${FIRMWARE_ENCODER}
fw = b'pico-mic 1.0.0'
hello = struct.pack('<IBBBBHBBBBBB', 48000, 32, 18, 1, 1, 512, 30, 0, 1, 2, 0xFF, len(fw)) + fw
audio = struct.pack('<ii', 0x12345 << 14, -5 << 14)
print(binascii.hexlify(frame(0x01, 0, 0, 1234, hello) + b'REPL noise' + frame(0x02, 1, (1 << 31) + 7, 1240, audio)).decode())
`);
    const frames: LinkFrame[] = [];
    const decoder = new LinkFrameDecoder((frame) => frames.push(frame));
    decoder.push(Buffer.from(out.join('').trim(), 'hex'));
    assert.deepEqual(frames.map((f) => f.type), [DeviceFrameType.hello, DeviceFrameType.audio]);
    const hello = readHello(frames[0]!.payload);
    assert.equal(hello?.firmware, 'pico-mic 1.0.0');
    assert.equal(hello?.validBits, 18);
    assert.equal(frames[1]!.sample, 2 ** 31 + 7);
    assert.equal(frames[1]!.payload.readInt32LE(4) >> 14, -5);
    assert.equal(decoder.stats.bytesSkipped, 'REPL noise'.length);
  });

  it('gives command frames a CRC binascii.crc32 accepts', async () => {
    const out: string[] = [];
    const mp = await microPython(out);
    const start = encodeCommand({ kind: 'start', sampleRate: 48000, samplesPerFrame: 512, statusIntervalMs: 1000 }, 5);
    mp.runPython(`
import binascii, struct
f = binascii.unhexlify('${start.toString('hex')}')
n = struct.unpack_from('<H', f, 6)[0]
print(binascii.crc32(f[:20 + n]) == struct.unpack_from('<I', f, 20 + n)[0], struct.unpack_from('<IBBHH', f, 20))
`);
    assert.equal(out.join('').trim(), 'True (48000, 32, 1, 512, 1000)');
  });
});
