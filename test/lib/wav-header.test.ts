import assert from 'node:assert/strict';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type AudioFormat, bytesPerFrame, sameFormat } from '../../src/lib/audio/format';
import {
  buildWavHeader,
  parseWavHeader,
  readWavInfo,
  RIFF_LIMIT,
  speakerMask,
  WavFormatError,
  wavLayout,
} from '../../src/lib/wav';
import { pcmPattern } from '../support/pcm-pattern';
import { soxDecode, soxInfo, wavefileInfo } from '../support/wav-readers';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

const PCM_GUID = '01000000 0000 1000 800000aa00389b71';
const FLOAT_GUID = '03000000 0000 1000 800000aa00389b71';

/** A RIFF file from chunks, each padded to an even size as RIFF requires. */
function riff(id: string, chunks: [string, Buffer][]): Buffer {
  const body = chunks.flatMap(([chunkId, payload]) => {
    const chunkHeader = Buffer.alloc(8);
    chunkHeader.write(chunkId, 0, 'latin1');
    chunkHeader.writeUInt32LE(payload.length, 4);
    return payload.length % 2 ? [chunkHeader, payload, Buffer.alloc(1)] : [chunkHeader, payload];
  });
  const head = Buffer.alloc(12);
  head.write(id, 0, 'latin1');
  head.writeUInt32LE(4 + body.reduce((sum, part) => sum + part.length, 0), 4);
  head.write('WAVE', 8, 'latin1');
  return Buffer.concat([head, ...body]);
}

const pcm16Stereo = hex('0100 0200 44ac0000 10b10200 0400 1000');

const FORMATS: AudioFormat[] = [
  { sampleRate: 8000, channels: 1, bitDepth: 8, encoding: 'unsigned' },
  { sampleRate: 11025, channels: 2, bitDepth: 8, encoding: 'unsigned' },
  { sampleRate: 22050, channels: 3, bitDepth: 8, encoding: 'unsigned' },
  { sampleRate: 44100, channels: 1, bitDepth: 16, encoding: 'signed' },
  { sampleRate: 48000, channels: 2, bitDepth: 16, encoding: 'signed' },
  { sampleRate: 16000, channels: 6, bitDepth: 16, encoding: 'signed' },
  { sampleRate: 32000, channels: 32, bitDepth: 16, encoding: 'signed' },
  { sampleRate: 44100, channels: 1, bitDepth: 24, encoding: 'signed' },
  { sampleRate: 96000, channels: 3, bitDepth: 24, encoding: 'signed' },
  { sampleRate: 192000, channels: 8, bitDepth: 24, encoding: 'signed' },
  { sampleRate: 48000, channels: 2, bitDepth: 32, encoding: 'signed' },
  { sampleRate: 88200, channels: 6, bitDepth: 32, encoding: 'signed' },
  { sampleRate: 22050, channels: 1, bitDepth: 32, encoding: 'float' },
  { sampleRate: 48000, channels: 2, bitDepth: 32, encoding: 'float' },
  { sampleRate: 96000, channels: 8, bitDepth: 32, encoding: 'float' },
  { sampleRate: 192000, channels: 32, bitDepth: 32, encoding: 'float' },
];

/**
 * sox 14.4 reads the EXTENSIBLE extension, switches to the SubFormat tag, then looks for a
 * second cbSize because the tag is not PCM; it warns for every EXTENSIBLE float file.
 */
const soxWarnings = (format: AudioFormat): string =>
  format.encoding === 'float' && wavLayout(format).extensible ? 'sox WARN wav: wave header missing extended part of fmt chunk\n' : '';

const describeFormat = (f: AudioFormat): string =>
  `${f.sampleRate} Hz ${f.channels} ch ${f.bitDepth}-bit ${f.encoding}${f.validBits ? ` (${f.validBits} valid)` : ''}`;

describe('wavLayout', () => {
  it('puts PCM at 80 (plain PCM), 82 (plain float) or 104 (EXTENSIBLE)', () => {
    const expected: [AudioFormat, number, boolean][] = [
      [{ sampleRate: 8000, channels: 1, bitDepth: 8, encoding: 'unsigned' }, 80, false],
      [{ sampleRate: 48000, channels: 2, bitDepth: 16, encoding: 'signed' }, 80, false],
      [{ sampleRate: 48000, channels: 2, bitDepth: 32, encoding: 'float' }, 82, false],
      [{ sampleRate: 48000, channels: 3, bitDepth: 16, encoding: 'signed' }, 104, true],
      [{ sampleRate: 48000, channels: 1, bitDepth: 24, encoding: 'signed' }, 104, true],
      [{ sampleRate: 48000, channels: 2, bitDepth: 32, encoding: 'signed' }, 104, true],
      [{ sampleRate: 48000, channels: 3, bitDepth: 32, encoding: 'float' }, 104, true],
      [{ sampleRate: 48000, channels: 2, bitDepth: 16, encoding: 'signed', validBits: 12 }, 104, true],
      [{ sampleRate: 48000, channels: 2, bitDepth: 16, encoding: 'signed', validBits: 16 }, 80, false],
    ];
    for (const [format, headerBytes, extensible] of expected) {
      assert.deepEqual(wavLayout(format), { headerBytes, extensible }, describeFormat(format));
      assert.equal(buildWavHeader(format, 0, 'wav').length, headerBytes, describeFormat(format));
    }
  });

  it('rejects formats that cannot be recorded', () => {
    assert.throws(() => wavLayout({ sampleRate: 48000, channels: 0, bitDepth: 16, encoding: 'signed' }), RangeError);
    assert.throws(() => wavLayout({ sampleRate: 48000, channels: 1, bitDepth: 8, encoding: 'signed' }), RangeError);
    assert.throws(() => wavLayout(null as unknown as AudioFormat), TypeError);
  });
});

describe('buildWavHeader', () => {
  it('writes the plain PCM header byte for byte', () => {
    const header = buildWavHeader({ sampleRate: 44100, channels: 2, bitDepth: 16, encoding: 'signed' }, 4000, 'wav');
    const expected = hex(`
      52494646 e80f0000 57415645
      4a554e4b 1c000000 ${'00'.repeat(28)}
      666d7420 10000000 ${pcm16Stereo.toString('hex')}
      64617461 a00f0000`);
    assert.deepEqual(header, expected);
  });

  it('writes 32-bit float with 1-2 channels as plain tag 3 with cbSize 0', () => {
    const header = buildWavHeader({ sampleRate: 22050, channels: 1, bitDepth: 32, encoding: 'float' }, 0, 'wav');
    assert.deepEqual(header.subarray(48, 74), hex('666d7420 12000000 0300 0100 22560000 88580100 0400 2000 0000'));
    assert.deepEqual(header.subarray(74), hex('64617461 00000000'));
  });

  it('writes WAVE_FORMAT_EXTENSIBLE byte for byte: tag, size 40, cbSize 22, valid bits, mask, SubFormat', () => {
    const cases: [AudioFormat, string][] = [
      [
        { sampleRate: 96000, channels: 6, bitDepth: 24, encoding: 'signed' },
        `feff 0600 00770100 005e1a00 1200 1800 1600 1800 3f000000 ${PCM_GUID}`,
      ],
      [
        { sampleRate: 96000, channels: 8, bitDepth: 32, encoding: 'float' },
        `feff 0800 00770100 00e02e00 2000 2000 1600 2000 3f060000 ${FLOAT_GUID}`,
      ],
      [
        // SPH0645: 18 significant bits, MSB-justified in 32-bit slots.
        { sampleRate: 48000, channels: 2, bitDepth: 32, encoding: 'signed', validBits: 18 },
        `feff 0200 80bb0000 00dc0500 0800 2000 1600 1200 03000000 ${PCM_GUID}`,
      ],
      [
        { sampleRate: 8000, channels: 32, bitDepth: 8, encoding: 'unsigned' },
        `feff 2000 401f0000 00e80300 2000 0800 1600 0800 00000000 ${PCM_GUID}`,
      ],
    ];
    for (const [format, fmtPayload] of cases) {
      const header = buildWavHeader(format, bytesPerFrame(format) * 10, 'wav');
      assert.deepEqual(header.subarray(48, 96), Buffer.concat([hex('666d7420 28000000'), hex(fmtPayload)]), describeFormat(format));
      const dataChunkHeader = Buffer.from('data\0\0\0\0', 'latin1');
      dataChunkHeader.writeUInt32LE(bytesPerFrame(format) * 10, 4);
      assert.deepEqual(header.subarray(96), dataChunkHeader, describeFormat(format));
      assert.equal(header.readUInt32LE(4), 104 - 8 + bytesPerFrame(format) * 10);
    }
  });

  it('uses the KSAUDIO speaker masks for 1..8 channels and 0 beyond', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map(speakerMask), [0x4, 0x3, 0x7, 0x33, 0x37, 0x3f, 0x13f, 0x63f]);
    for (const channels of [9, 16, 32]) assert.equal(speakerMask(channels), 0);
    for (const channels of [1, 2, 3, 4, 5, 6, 7, 8, 32]) {
      const header = buildWavHeader({ sampleRate: 48000, channels, bitDepth: 24, encoding: 'signed' }, 0, 'wav');
      assert.equal(header.readUInt32LE(76), speakerMask(channels), `${channels} channels`);
    }
  });

  it('writes RF64 with ds64 in the JUNK slot and 64-bit sizes past 4 GiB', () => {
    const format: AudioFormat = { sampleRate: 48000, channels: 2, bitDepth: 16, encoding: 'signed' };
    const header = buildWavHeader(format, 5e9, 'rf64');
    const expected = hex(`
      52463634 ffffffff 57415645
      64733634 1c000000 48f2052a01000000 00f2052a01000000 807c814a00000000 00000000
      666d7420 10000000 ${buildWavHeader(format, 0, 'wav').subarray(56, 72).toString('hex')}
      64617461 ffffffff`);
    assert.deepEqual(header, expected);
  });

  it('refuses sizes a plain RIFF cannot hold and partial frames', () => {
    const format: AudioFormat = { sampleRate: 48000, channels: 2, bitDepth: 16, encoding: 'signed' };
    const largest = RIFF_LIMIT - (80 - 8) - ((RIFF_LIMIT - 72) % 4);
    assert.equal(buildWavHeader(format, largest, 'wav').readUInt32LE(76), largest);
    assert.throws(() => buildWavHeader(format, largest + 4, 'wav'), RangeError);
    assert.throws(() => buildWavHeader(format, 6, 'wav'), RangeError);
    assert.throws(() => buildWavHeader(format, -4, 'wav'), RangeError);
    assert.throws(() => buildWavHeader(format, 2 ** 53 + 4, 'rf64'), RangeError);
  });
});

describe('parseWavHeader', () => {
  it('reads back every format we write, plain and RF64', () => {
    for (const format of [...FORMATS, { sampleRate: 48000, channels: 2, bitDepth: 32, encoding: 'signed', validBits: 18 } as const]) {
      const { headerBytes } = wavLayout(format);
      const dataBytes = bytesPerFrame(format) * 12345;
      for (const container of ['wav', 'rf64'] as const) {
        const info = parseWavHeader(buildWavHeader(format, dataBytes, container));
        assert.ok(sameFormat(info.format, format), `${describeFormat(format)} ${container}: ${JSON.stringify(info.format)}`);
        assert.deepEqual(
          { ...info, format: undefined },
          { container, format: undefined, dataOffset: headerBytes, dataBytes, junkOffset: 12 },
          `${describeFormat(format)} ${container}`,
        );
      }
    }
  });

  it('reads 64-bit sizes beyond 4 GiB exactly', () => {
    const format: AudioFormat = { sampleRate: 96000, channels: 8, bitDepth: 32, encoding: 'float' };
    for (const dataBytes of [5e9, 2 ** 32 + 32, 2 ** 40]) {
      assert.equal(parseWavHeader(buildWavHeader(format, dataBytes, 'rf64')).dataBytes, dataBytes);
    }
  });

  it('reports what the header claims without correcting it', () => {
    const header = buildWavHeader({ sampleRate: 48000, channels: 2, bitDepth: 16, encoding: 'signed' }, 400, 'wav');
    header.writeUInt32LE(0xffffffff, 76);
    assert.equal(parseWavHeader(header).dataBytes, 0xffffffff);
    header.writeUInt32LE(0, 76);
    assert.equal(parseWavHeader(header).dataBytes, 0);
  });

  it('reads a canonical 44-byte WAV, which has no JUNK reserve', () => {
    const file = riff('RIFF', [['fmt ', pcm16Stereo], ['data', Buffer.alloc(8)]]);
    const info = parseWavHeader(file);
    assert.deepEqual(info, {
      container: 'wav',
      format: { sampleRate: 44100, channels: 2, bitDepth: 16, encoding: 'signed' },
      dataOffset: 44,
      dataBytes: 8,
    });
  });

  it('skips unknown chunks in any order, with odd-size padding', () => {
    const file = riff('RIFF', [
      ['LIST', Buffer.from('INFOISFT\x05\x00\x00\x00test\x00', 'latin1')],
      ['bext', Buffer.alloc(603)],
      ['fmt ', pcm16Stereo],
      ['JUNK', Buffer.alloc(28)],
      ['fact', Buffer.alloc(4)],
      ['data', Buffer.alloc(12)],
    ]);
    const info = parseWavHeader(file);
    assert.equal(info.dataOffset, file.length - 12);
    assert.equal(info.dataBytes, 12);
    // A JUNK chunk that is not first cannot become ds64: RF64 readers look right after "WAVE".
    assert.equal(info.junkOffset, undefined);
  });

  it('reads a plain float fmt of 16 bytes, a WAVEFORMATEX of 18, and EXTENSIBLE with wValidBitsPerSample 0', () => {
    const float16 = hex('0300 0200 80bb0000 00dc0500 0800 2000');
    const float18 = Buffer.concat([float16, hex('0000')]);
    for (const fmt of [float16, float18]) {
      const info = parseWavHeader(riff('RIFF', [['fmt ', fmt], ['data', Buffer.alloc(0)]]));
      assert.deepEqual(info.format, { sampleRate: 48000, channels: 2, bitDepth: 32, encoding: 'float' });
    }
    const extensible = hex(`feff 0100 80bb0000 80320200 0300 1800 1600 0000 04000000 ${PCM_GUID}`);
    const info = parseWavHeader(riff('RIFF', [['fmt ', extensible], ['data', Buffer.alloc(0)]]));
    assert.deepEqual(info.format, { sampleRate: 48000, channels: 1, bitDepth: 24, encoding: 'signed' });
  });

  it('reads an RF64 file from another writer with a bigger ds64 (table) not first', () => {
    const ds64 = Buffer.alloc(40);
    ds64.writeBigUInt64LE(5_000_000_036n, 0);
    ds64.writeBigUInt64LE(5_000_000_000n, 8);
    ds64.writeBigUInt64LE(1_250_000_000n, 16);
    ds64.writeUInt32LE(1, 24);
    const file = riff('RF64', [['fmt ', pcm16Stereo], ['ds64', ds64], ['data', Buffer.alloc(0)]]);
    file.writeUInt32LE(0xffffffff, file.length - 4);
    const info = parseWavHeader(file);
    assert.equal(info.container, 'rf64');
    assert.equal(info.dataBytes, 5e9);
    assert.equal(info.junkOffset, undefined);
  });

  it('throws WavFormatError naming the problem', () => {
    const fmtThenData = (fmt: Buffer): Buffer => riff('RIFF', [['fmt ', fmt], ['data', Buffer.alloc(0)]]);
    const adpcm = Buffer.concat([hex('0200 0100 401f0000 00100000 0001 0400'), Buffer.alloc(4)]);
    const unknownGuid = hex(`feff 0100 80bb0000 00770100 0200 1000 1600 1000 04000000 ${PCM_GUID.replace('800000aa', '800000ab')}`);
    const double = hex('0300 0100 80bb0000 00dc0500 0800 4000');
    const twelveBit = hex('0100 0100 80bb0000 00770100 0200 0c00');
    const badAlign = hex('0100 0200 80bb0000 00ee0200 0300 1000');
    const shortFmt = hex('0100 0100 401f0000 401f0000 0100 08');
    const validHead = buildWavHeader({ sampleRate: 48000, channels: 2, bitDepth: 16, encoding: 'signed' }, 0, 'wav');
    const rf64WithoutDs64 = riff('RF64', [['fmt ', pcm16Stereo], ['data', Buffer.alloc(0)]]);
    const cases: [string, Buffer, RegExp][] = [
      ['empty', Buffer.alloc(0), /too short/],
      ['not RIFF', Buffer.from('ID3\x04 this is an mp3 file', 'latin1'), /not a RIFF or RF64 file/],
      ['RIFX', Buffer.from('RIFX\x00\x00\x00\x24WAVEfmt ', 'latin1'), /big-endian/],
      ['AVI', Buffer.from('RIFF\x00\x00\x00\x24AVI LIST', 'latin1'), /not "WAVE"/],
      ['no fmt', riff('RIFF', [['data', Buffer.alloc(4)]]), /no fmt chunk/],
      ['ADPCM', fmtThenData(adpcm), /0x0002 is not PCM or IEEE float/],
      ['MP3', fmtThenData(hex('5500 0100 401f0000 00100000 0001 0000')), /0x0055/],
      ['unknown SubFormat', fmtThenData(unknownGuid), /SubFormat/],
      ['short EXTENSIBLE', fmtThenData(unknownGuid.subarray(0, 24)), /40 expected/],
      ['64-bit float', fmtThenData(double), /64-bit/],
      ['12-bit', fmtThenData(twelveBit), /12-bit/],
      ['block align', fmtThenData(badAlign), /block align 3/],
      ['short fmt', fmtThenData(shortFmt), /at least 16/],
      ['head ends before data', validHead.subarray(0, 75), /no data chunk header within the first 75 bytes/],
      ['fmt cut off', validHead.subarray(0, 60), /"fmt " chunk runs past/],
      ['RF64 without ds64', rf64WithoutDs64, /without a ds64/],
    ];
    for (const [name, head, message] of cases) {
      assert.throws(() => parseWavHeader(head), (err: unknown) => err instanceof WavFormatError && message.test(err.message), name);
    }
  });
});

describe('files read by other readers', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wav-header-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('sox and wavefile read every format with the data we put in', async () => {
    await Promise.all(
      FORMATS.map(async (format, index) => {
        const frames = 257;
        const pcm = pcmPattern(format, 0, frames);
        const path = join(dir, `format-${index}.wav`);
        await writeFile(path, Buffer.concat([buildWavHeader(format, pcm.length, 'wav'), pcm]));
        const name = describeFormat(format);

        const sox = await soxInfo(path);
        const soxEncoding = { signed: 'Signed Integer PCM', unsigned: 'Unsigned Integer PCM', float: 'Floating Point PCM' }[format.encoding];
        assert.deepEqual(sox, { sampleRate: format.sampleRate, channels: format.channels, bitsPerSample: format.bitDepth, frames, encoding: soxEncoding }, name);
        const decoded = await soxDecode(path);
        assert.equal(decoded.warnings, soxWarnings(format), name);
        assert.ok(decoded.pcm.equals(pcm), `${name}: sox decodes the PCM`);

        const wavefile = await wavefileInfo(path);
        const { extensible } = wavLayout(format);
        assert.equal(wavefile.container, 'RIFF', name);
        assert.equal(wavefile.audioFormat, extensible ? 0xfffe : format.encoding === 'float' ? 3 : 1, name);
        assert.equal(wavefile.numChannels, format.channels, name);
        assert.equal(wavefile.sampleRate, format.sampleRate, name);
        assert.equal(wavefile.byteRate, format.sampleRate * bytesPerFrame(format), name);
        assert.equal(wavefile.blockAlign, bytesPerFrame(format), name);
        assert.equal(wavefile.bitsPerSample, format.bitDepth, name);
        if (extensible) {
          assert.equal(wavefile.cbSize, 22, name);
          assert.equal(wavefile.validBitsPerSample, format.bitDepth, name);
          assert.equal(wavefile.dwChannelMask, speakerMask(format.channels), name);
          assert.deepEqual(wavefile.subFormat, hex(format.encoding === 'float' ? FLOAT_GUID : PCM_GUID), name);
        }
        assert.ok(wavefile.data.equals(pcm), `${name}: wavefile finds the PCM`);
        // wavefile 11 picks float decoding from the plain tag alone and decodes EXTENSIBLE
        // float as int32; for those the bytes and the SubFormat GUID above are the check.
        if (extensible && format.encoding === 'float') return;
        const last = frames * format.channels - 1;
        const expectedLast =
          format.encoding === 'float' ? pcm.readFloatLE(last * 4)
            : format.bitDepth === 8 ? pcm.readUInt8(last)
              : pcm.readIntLE(last * (format.bitDepth / 8), format.bitDepth / 8);
        assert.equal(wavefile.sample(last), expectedLast, `${name}: wavefile decodes the last sample`);
      }),
    );
  });

  it('wavefile reads wValidBitsPerSample (sox 14.4 refuses such "padded samples" files)', async () => {
    const format: AudioFormat = { sampleRate: 48000, channels: 2, bitDepth: 32, encoding: 'signed', validBits: 18 };
    const pcm = pcmPattern(format, 0, 100);
    const path = join(dir, 'valid-bits.wav');
    await writeFile(path, Buffer.concat([buildWavHeader(format, pcm.length, 'wav'), pcm]));
    const wavefile = await wavefileInfo(path);
    assert.equal(wavefile.validBitsPerSample, 18);
    assert.equal(wavefile.bitsPerSample, 32);
    assert.ok(wavefile.data.equals(pcm));
    assert.deepEqual((await readWavInfo(path)).format, format);
  });

  it('sox reads a 5 GB RF64 header exactly (sparse file, no disk used)', async () => {
    const format: AudioFormat = { sampleRate: 48000, channels: 2, bitDepth: 16, encoding: 'signed' };
    const path = join(dir, 'sparse-rf64.wav');
    const header = buildWavHeader(format, 5e9, 'rf64');
    // After the header, sox 14.4 looks for a LIST chunk at the data start plus the ds64
    // size cut to 32 bits, stepping 8 bytes per zero-sized "chunk". Real audio there ends
    // that walk at once; the zeros of a sparse file make it crawl through gigabytes. These
    // 8 bytes of "audio" (a huge chunk size) play the part of real audio.
    const walkStop = Buffer.from('JUNK\xff\xff\xff\xff', 'latin1');
    const file = await open(path, 'wx');
    try {
      await file.write(header, 0, header.length, 0);
      await file.write(walkStop, 0, walkStop.length, header.length + (5e9 % 2 ** 32));
      await file.truncate(header.length + 5e9);
    } finally {
      await file.close();
    }
    assert.equal((await soxInfo(path)).frames, 1.25e9);
    const info = await readWavInfo(path);
    assert.equal(info.container, 'rf64');
    assert.equal(info.dataBytes, 5e9);
  });

  it('readWavInfo gives up when the data chunk is not within the first 64 KiB', async () => {
    const path = join(dir, 'huge-list.wav');
    await writeFile(path, riff('RIFF', [['fmt ', pcm16Stereo], ['LIST', Buffer.alloc(70_000)], ['data', Buffer.alloc(4)]]));
    await assert.rejects(readWavInfo(path), /no data chunk header within the first 65536 bytes/);
  });
});
