import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorCodeOf, parseResults } from '../../protocol/answer.ts';

describe('parseResults', () => {
  it('reads the results in order and keeps syslog only when the gateway said it', () => {
    const results = parseResults({
      results: [
        { id: 'a', duplicate: false, traps: [{ host: 'nms', ok: true }], syslog: 'ok' },
        { id: 'b', duplicate: true, traps: [{ host: 'nms', ok: false, error: 'timeout' }] },
      ],
    });
    assert.deepEqual(results, [
      { id: 'a', duplicate: false, traps: [{ host: 'nms', ok: true }], syslog: 'ok' },
      { id: 'b', duplicate: true, traps: [{ host: 'nms', ok: false, error: 'timeout' }] },
    ]);
  });

  it('strips control characters from what ends up in log lines', () => {
    const [result] = parseResults({ results: [{ id: 'a', traps: [{ host: 'nms\nx', ok: false, error: 'a\rb' }] }] })!;
    assert.deepEqual(result?.traps, [{ host: 'nms x', ok: false, error: 'a b' }]);
  });

  it('refuses bodies that are not the protocol shape', () => {
    for (const body of [
      null,
      {},
      { results: {} },
      { results: [1] },
      { results: [{ id: 1 }] },
      { results: [{ id: 'a', traps: [{ host: 'x' }] }] },
    ]) {
      assert.equal(parseResults(body), undefined, JSON.stringify(body));
    }
  });
});

describe('errorCodeOf', () => {
  it('keeps a plain code and never the message', () => {
    assert.equal(errorCodeOf('{"error":{"code":"GW_ERR_AUTH_REPLAY","message":"echo <x>"}}'), 'GW_ERR_AUTH_REPLAY');
    assert.equal(errorCodeOf('{"error":{"code":"has space"}}'), undefined);
    assert.equal(errorCodeOf('not json'), undefined);
  });
});
