import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';

/**
 * ALSA capture devices without a sound card, as test/support/alsa-stand-in.ts makes them: a
 * `file` PCM over the `null` PCM whose `infile` holds the audio. arecord and PortAudio open
 * them like cards. What the bench relies on (verified on this stand-in):
 * - with a regular file as infile the device is not paced: it delivers as fast as it is read,
 *   and past the end of the file it repeats the last period for ever (so capture exactly the
 *   file's length);
 * - with a FIFO as infile it delivers what is written into it, and nothing else: the null
 *   slave has no ring buffer that fills on its own, so a reader that stops reading simply
 *   stops; what the FIFO holds plays the card's buffer (see pacer.py). A read shorter than
 *   asked is padded with stale data, so writers must write whole periods atomically.
 */
export interface StandInPcm {
  name: string;
  infile: string;
}

/** A self-contained ALSA configuration (no system alsa.conf): point ALSA_CONFIG_PATH at it. */
export function writeAlsaConfig(path: string, devices: readonly StandInPcm[]): void {
  const blocks = devices.map(
    ({ name, infile }) => `pcm.${name} {\n    type file\n    slave.pcm { type null }\n    file "/dev/null"\n    infile "${infile}"\n    format "raw"\n}`,
  );
  // PortAudio asserts while listing devices unless a default exists.
  blocks.push(`pcm.!default "${devices[0]!.name}"`);
  writeFileSync(path, `${blocks.join('\n')}\n`);
}

/** Samples per block written at a time (one second of 8 ch x 96 kHz). */
const BLOCK_SAMPLES = 768_000;

/**
 * Raw 32-bit little-endian PCM in which sample i (counting across channels) holds i + 1:
 * every sample differs, so a lost, repeated or reordered period shows in a byte compare.
 */
export function writeCountingSamples32(path: string, samples: number): void {
  const block = new Int32Array(BLOCK_SAMPLES);
  const fd = openSync(path, 'w');
  try {
    for (let first = 0; first < samples; first += BLOCK_SAMPLES) {
      const count = Math.min(BLOCK_SAMPLES, samples - first);
      for (let i = 0; i < count; i++) block[i] = first + i + 1;
      writeSync(fd, new Uint8Array(block.buffer, 0, count * 4));
    }
  } finally {
    closeSync(fd);
  }
}
