import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ControlError, parseControlCommand, parseMaxDuration } from '../../src/lib/contract/control';

describe('control messages', () => {
  it('reads start, stop and toggle from payload or command, in any case, and booleans', () => {
    assert.equal(parseControlCommand({ payload: 'start' }), 'start');
    assert.equal(parseControlCommand({ payload: ' STOP ' }), 'stop');
    assert.equal(parseControlCommand({ payload: 'Toggle' }), 'toggle');
    assert.equal(parseControlCommand({ payload: true }), 'start');
    assert.equal(parseControlCommand({ payload: false }), 'stop');
    assert.equal(parseControlCommand({ payload: 'ignored', command: 'stop' }), 'stop');
  });

  it('names what it expected when the command is unknown', () => {
    for (const payload of ['record', 1, {}, undefined, null]) {
      assert.throws(() => parseControlCommand({ payload }), (err: Error) => err instanceof ControlError && /expected "start", "stop", "toggle"/.test(err.message));
    }
  });

  it('reads a maximum duration in seconds', () => {
    assert.equal(parseMaxDuration({}), undefined);
    assert.equal(parseMaxDuration({ maxDuration: 2.5 }), 2500);
    assert.equal(parseMaxDuration({ maxDuration: '10' }), 10000);
    assert.equal(parseMaxDuration({ maxDuration: 0 }), 0);
    for (const maxDuration of [-1, 'ten', Infinity, {}]) assert.throws(() => parseMaxDuration({ maxDuration }), /maxDuration/);
  });
});
