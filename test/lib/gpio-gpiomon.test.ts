import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { explainGpiomonExit, explainSpawnError } from '../../src/lib/gpio/gpio-watch-error';
import { gpiomonArgs } from '../../src/lib/gpio/gpiomon-args';
import { isMonitoringBanner, parseGpiomonEvent } from '../../src/lib/gpio/gpiomon-output';
import { detectGpiomonVersion, parseGpiomonVersion } from '../../src/lib/gpio/gpiomon-version';
import { assertLineRequest, GpioLineRequest } from '../../src/lib/gpio/line-request';
import { GpiomonStandIn, STAND_IN_DIRECTORY } from '../support/gpiomon-harness';

const run = promisify(execFile);
const STAND_IN = join(STAND_IN_DIRECTORY, 'gpiomon');
const button: GpioLineRequest = { chip: 'gpiochip0', line: 17, bias: 'pull-up', activeLow: true };

describe('gpiomon --version', () => {
  it('tells the 1.x and 2.x command lines apart', () => {
    assert.deepEqual(parseGpiomonVersion('gpiomon (libgpiod) v1.6.3\nCopyright (C) 2017-2018 Bartosz Golaszewski\n'), { dialect: 1, text: '1.6.3' });
    assert.deepEqual(parseGpiomonVersion('gpiomon (libgpiod) v2.1\n'), { dialect: 2, text: '2.1' });
    assert.deepEqual(parseGpiomonVersion('gpiomon (libgpiod) v2.2.1\n'), { dialect: 2, text: '2.2.1' });
    assert.deepEqual(parseGpiomonVersion('gpiomon (libgpiod) v2.0-rc1\n'), { dialect: 2, text: '2.0-rc1' });
    assert.equal(parseGpiomonVersion('gpiomon (libgpiod) v0.3\n'), undefined);
    assert.equal(parseGpiomonVersion('usage: something else\n'), undefined);
  });

  it("is read from the executable's --version, with a clear error when there is none", async () => {
    for (const version of ['1', '2'] as const) {
      const standIn = await GpiomonStandIn.install(version);
      try {
        assert.equal((await detectGpiomonVersion('gpiomon')).dialect, Number(version));
        assert.deepEqual((await standIn.calls()).map((call) => call.argv), [['--version']]);
      } finally {
        await standIn.remove();
      }
    }
    await assert.rejects(detectGpiomonVersion('/nonexistent/gpiomon'), {
      kind: 'command-missing',
      message: 'gpiomon not found: install the gpiod package (sudo apt install gpiod)',
    });
  });

  it('tells apart a command that is no gpiomon, one that fails, and one that cannot run', async () => {
    await assert.rejects(detectGpiomonVersion('true'), { kind: 'unsupported-version' });
    await assert.rejects(detectGpiomonVersion('false'), { kind: 'exited', message: 'false --version failed (exit code 1)' });
    const notExecutable = join(STAND_IN_DIRECTORY, 'script.mjs');
    await assert.rejects(detectGpiomonVersion(notExecutable), { kind: 'command-unusable', message: `cannot run ${notExecutable}: permission denied (not executable?)` });
  });
});

describe('gpiomon arguments', () => {
  it('1.x: options, then chip and offset; line-buffered; both edges by default', () => {
    assert.deepEqual(gpiomonArgs(1, button), ['--line-buffered', '--bias', 'pull-up', '--active-low', '--format', '%o %e %s %n', 'gpiochip0', '17']);
    assert.deepEqual(gpiomonArgs(1, { chip: '0', line: 4, bias: 'as-is', activeLow: false }), ['--line-buffered', '--format', '%o %e %s %n', '0', '4']);
    assert.deepEqual(gpiomonArgs(1, { ...button, bias: 'disable', activeLow: false }).slice(1, 3), ['--bias', 'disable']);
  });

  it('2.x: --chip before the offset, banner, both edges, monotonic clock, its own bias names', () => {
    assert.deepEqual(gpiomonArgs(2, button), [
      '--banner', '--chip', 'gpiochip0', '--edges', 'both', '--event-clock', 'monotonic',
      '--bias', 'pull-up', '--active-low', '--format', '%o %E %S', '17',
    ]);
    assert.deepEqual(gpiomonArgs(2, { chip: '/dev/gpiochip4', line: 0, bias: 'as-is', activeLow: false }), [
      '--banner', '--chip', '/dev/gpiochip4', '--edges', 'both', '--event-clock', 'monotonic', '--format', '%o %E %S', '0',
    ]);
    assert.deepEqual(gpiomonArgs(2, { ...button, bias: 'disable' }).slice(7, 9), ['--bias', 'disabled']);
    assert.deepEqual(gpiomonArgs(2, { ...button, bias: 'pull-down' }).slice(7, 9), ['--bias', 'pull-down']);
  });

  it('refuses chips and lines gpiomon would misread', () => {
    assert.throws(() => assertLineRequest({ ...button, chip: '--help' }), RangeError);
    assert.throws(() => assertLineRequest({ ...button, chip: ' ' }), RangeError);
    assert.throws(() => assertLineRequest({ ...button, line: -1 }), RangeError);
    assert.throws(() => assertLineRequest({ ...button, line: 1.5 }), RangeError);
    assert.throws(() => assertLineRequest({ ...button, bias: 'up' as never }), RangeError);
    assert.doesNotThrow(() => assertLineRequest(button));
  });

  for (const version of [1, 2] as const) {
    it(`are taken by the ${version}.x stand-in, whose output reads back as the scripted edges`, async () => {
      const standIn = await GpiomonStandIn.install(String(version) as '1' | '2', ['1000 falling', '1060.000001 rising', 'exit 0']);
      try {
        const { stdout } = await run(STAND_IN, gpiomonArgs(version, button));
        const events = stdout.split('\n').map((line) => parseGpiomonEvent(line, version)).filter((event) => event !== undefined);
        // Active-low: the line going low is the rising (active) edge.
        assert.deepEqual(events, [
          { edge: 'rising', offset: 17, timestampNs: 1_000_000_000n },
          { edge: 'falling', offset: 17, timestampNs: 1_060_000_001n },
        ]);
      } finally {
        await standIn.remove();
      }
    });

    it(`of the other version are rejected by the ${version}.x stand-in as the real one rejects them`, async () => {
      const standIn = await GpiomonStandIn.install(String(version) as '1' | '2', ['exit 0']);
      try {
        const other = version === 1 ? 2 : 1;
        const failure = await run(STAND_IN, gpiomonArgs(other, button)).then(() => undefined, (err: { code: number; stderr: string }) => err);
        assert.equal(failure?.code, 1);
        assert.equal(explainGpiomonExit(failure.stderr.split('\n'), 1, null, button).kind, 'bad-arguments');
      } finally {
        await standIn.remove();
      }
    });
  }

  it('are taken by the real gpiomon 1.x, which then looks for the chip', { skip: !existsSync('/usr/bin/gpiomon') }, async (t) => {
    const { stdout } = await run('/usr/bin/gpiomon', ['--version']);
    if (parseGpiomonVersion(stdout)?.dialect !== 1) {
      t.skip('not libgpiod 1.x');
      return;
    }
    const failure = await run('/usr/bin/gpiomon', gpiomonArgs(1, { ...button, chip: 'gpiochip-stand-in-absent' })).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    // Past argument parsing: what fails is opening the chip.
    assert.match(failure?.stderr ?? '', /error waiting for events: No such file or directory/);
    assert.equal(explainGpiomonExit(failure?.stderr.split('\n') ?? [], 1, null, button).kind, 'chip-missing');
  });
});

describe("gpiomon's output", () => {
  it('1.x: offset, 1/0, seconds, nanoseconds without leading zeros', () => {
    assert.deepEqual(parseGpiomonEvent('17 1 12345 6789', 1), { edge: 'rising', offset: 17, timestampNs: 12_345_000_006_789n });
    assert.deepEqual(parseGpiomonEvent('3 0 7 999999999', 1), { edge: 'falling', offset: 3, timestampNs: 7_999_999_999n });
    assert.equal(parseGpiomonEvent('17 2 12345 6789', 1), undefined);
    assert.equal(parseGpiomonEvent('17 rising 12345.000006789', 1), undefined);
    assert.equal(parseGpiomonEvent('event:  RISING EDGE offset: 17 timestamp: [   12345.000006789]', 1), undefined);
  });

  it('2.x: offset, rising/falling, seconds with nine decimals', () => {
    assert.deepEqual(parseGpiomonEvent('17 rising 12345.000006789', 2), { edge: 'rising', offset: 17, timestampNs: 12_345_000_006_789n });
    assert.deepEqual(parseGpiomonEvent('0 falling 0.000000001', 2), { edge: 'falling', offset: 0, timestampNs: 1n });
    assert.equal(parseGpiomonEvent('17 1 12345 6789', 2), undefined);
    assert.equal(parseGpiomonEvent("Monitoring line '17'...", 2), undefined);
    assert.equal(isMonitoringBanner("Monitoring line '17'..."), true);
    assert.equal(isMonitoringBanner('17 rising 1.000000000'), false);
  });
});

describe("gpiomon's failures", () => {
  const explain = (...stderr: string[]) => explainGpiomonExit(stderr, 1, null, button);

  it('1.x: told apart by the errno text', () => {
    assert.equal(explain('gpiomon: error waiting for events: Device or resource busy').kind, 'line-busy');
    assert.equal(explain('gpiomon: error waiting for events: No such file or directory').kind, 'chip-missing');
    assert.equal(explain('gpiomon: error waiting for events: Permission denied').kind, 'permission');
    assert.equal(explain('gpiomon: error waiting for events: Invalid argument').kind, 'line-missing');
    assert.equal(explain("gpiomon: unrecognized option '--banner'", 'gpiomon: try gpiomon --help').kind, 'bad-arguments');
  });

  it('2.x: told apart by their wording', () => {
    assert.equal(explain('gpiomon: unable to request lines on chip /dev/gpiochip0: Device or resource busy').kind, 'line-busy');
    assert.equal(explain("gpiomon: cannot find GPIO chip character device 'gpiochip9'").kind, 'chip-missing');
    assert.equal(explain("gpiomon: unable to open chip '/dev/gpiochip0': Permission denied").kind, 'permission');
    assert.equal(explain("gpiomon: offset 99 is out of range on chip 'gpiochip0'").kind, 'line-missing');
    assert.equal(explain('gpiomon: invalid bias: -l').kind, 'bad-arguments');
  });

  it('say what to do, or what gpiomon said last', () => {
    assert.equal(explain('gpiomon: error waiting for events: Device or resource busy').message, 'GPIO line 17 on gpiochip0 is busy: another program or a kernel driver holds it');
    assert.match(explain('gpiomon: error waiting for events: Permission denied').message, /gpio group/);
    assert.equal(explainGpiomonExit(['gpiomon: error reading line events: Bad file descriptor', ''], 1, null, button).message, 'gpiomon ended (exit code 1): gpiomon: error reading line events: Bad file descriptor');
    assert.equal(explainGpiomonExit([], null, 'SIGKILL', button).message, 'gpiomon ended (killed by SIGKILL)');
    assert.equal(explainSpawnError(Object.assign(new Error('spawn gpiomon EACCES'), { code: 'EACCES' }), '/opt/gpiomon').message, 'cannot run /opt/gpiomon: permission denied (not executable?)');
  });
});
