import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthenticationError, RateLimitedError } from '../../../gateway/gatewayErrors.ts';
import { RequestAuthenticator } from '../../../gateway/http/requestAuthenticator.ts';
import { HEADER_KEY_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, signBody } from '../../../protocol/signature.ts';

const keys = new Map([
  ['new', 'new-secret'],
  ['old', 'old-secret'],
]);
const NOW = 1_800_000_000_000;
const headers = (keyId: string, secret: string, ts: number | string, body: string) => ({
  [HEADER_KEY_ID]: keyId,
  [HEADER_TIMESTAMP]: String(ts),
  [HEADER_SIGNATURE]: signBody(secret, ts, body),
});
const failure = (f: string) => (e: unknown) => e instanceof AuthenticationError && e.failure === f;

describe('RequestAuthenticator', () => {
  it('selects the secret by key id (rotation) and enforces the ±300 s window', () => {
    const a = new RequestAuthenticator(keys, 300, 100);
    const ts = NOW / 1000;
    assert.equal(a.verify(headers('new', 'new-secret', ts, 'b1'), 'b1', NOW), 'new');
    assert.equal(a.verify(headers('old', 'old-secret', ts, 'b1'), 'b1', NOW), 'old');
    assert.equal(a.verify(headers('new', 'new-secret', ts - 300, 'b2'), 'b2', NOW), 'new');
    assert.throws(() => a.verify(headers('new', 'new-secret', ts - 301, 'b3'), 'b3', NOW), failure('bad_timestamp'));
    assert.throws(() => a.verify(headers('new', 'new-secret', ts + 301, 'b3'), 'b3', NOW), failure('bad_timestamp'));
    assert.throws(() => a.verify(headers('new', 'new-secret', '1e9', 'b3'), 'b3', NOW), failure('bad_timestamp'));
    assert.throws(() => a.verify(headers('old', 'new-secret', ts, 'b3'), 'b3', NOW), failure('bad_signature'));
    assert.throws(() => a.verify(headers('gone', 'new-secret', ts, 'b3'), 'b3', NOW), failure('unknown_key'));
    assert.throws(() => a.verify(headers('new', 'new-secret', ts, 'b3'), 'b3 tampered', NOW), failure('bad_signature'));
    assert.throws(() => a.verify({}, 'b3', NOW), failure('missing_headers'));
  });

  it('refuses an exact replay, but not one whose first attempt was refused by admit', () => {
    const a = new RequestAuthenticator(keys, 300, 100);
    const h = headers('new', 'new-secret', NOW / 1000, 'body');
    assert.throws(
      () =>
        a.verify(h, 'body', NOW, () => {
          throw new RateLimitedError();
        }),
      RateLimitedError,
    );
    assert.equal(a.verify(h, 'body', NOW), 'new');
    assert.throws(() => a.verify(h, 'body', NOW + 1000), failure('replay'));
  });
});
