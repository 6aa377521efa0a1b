import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArecordList } from '../../src/lib/capture/alsa/arecord-device-list';
import { parseArecordLine } from '../../src/lib/capture/alsa/arecord-messages';

describe("arecord's stderr", () => {
  it('tells the open device, overruns and each kind of failure apart', () => {
    assert.deepEqual(parseArecordLine("Recording raw data 'stdin' : Signed 16 bit Little Endian, Rate 16000 Hz, Mono"), { kind: 'recording' });
    assert.deepEqual(parseArecordLine('overrun!!! (at least 12.345 ms long)'), { kind: 'overrun', atLeastMs: 12.345 });
    assert.equal(parseArecordLine('arecord: main:831: audio open error: Device or resource busy')?.kind, 'busy');
    assert.equal(parseArecordLine('arecord: main:831: audio open error: No such file or directory')?.kind, 'missing');
    assert.equal(parseArecordLine('ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM nosuch')?.kind, 'missing');
    assert.equal(parseArecordLine('arecord: set_params:1352: Sample format non available')?.kind, 'unsupported');
    assert.equal(parseArecordLine('arecord: set_params:1358: Channels count non available')?.kind, 'unsupported');
    assert.equal(parseArecordLine('arecord: pcm_read:2221: read error: Input/output error')?.kind, 'failed');
    assert.equal(parseArecordLine('Aborted by signal Terminated...'), undefined);
  });
});

describe('arecord -L', () => {
  it('lists each PCM with the first line of its description, without the null PCM', () => {
    const output = [
      'null',
      '    Discard all samples (playback) or generate zero samples (capture)',
      'default',
      '    Default ALSA Output (currently PipeWire Media Server)',
      'sysdefault:CARD=Device',
      '    USB PnP Sound Device, USB Audio',
      '    Default Audio Device',
      'plughw:CARD=Device,DEV=0',
      '    USB PnP Sound Device, USB Audio',
      '    Hardware device with all software conversions',
      '',
    ].join('\n');
    assert.deepEqual(parseArecordList(output), [
      { name: 'default', description: 'Default ALSA Output (currently PipeWire Media Server)' },
      { name: 'sysdefault:CARD=Device', description: 'USB PnP Sound Device, USB Audio' },
      { name: 'plughw:CARD=Device,DEV=0', description: 'USB PnP Sound Device, USB Audio' },
    ]);
  });

  it('keeps a PCM that has no description', () => {
    assert.deepEqual(parseArecordList('micnull\nmic16k\n    Test mic\n'), [
      { name: 'micnull', description: '' },
      { name: 'mic16k', description: 'Test mic' },
    ]);
  });
});
