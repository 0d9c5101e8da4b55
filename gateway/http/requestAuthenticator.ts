/**
 * Request authentication (docs/design.md, Wire protocol): key id selects the secret (several keys allow
 * rotation), the timestamp must be within the window, the HMAC is compared in constant time, and an exact
 * replay of a seen signature is refused. Throws {@link AuthenticationError}; never reveals which secret
 * exists.
 */
import {
  HEADER_KEY_ID,
  HEADER_SIGNATURE,
  HEADER_TIMESTAMP,
  signatureMatches,
  signBody,
} from '../../protocol/signature.ts';
import { AuthenticationError } from '../gatewayErrors.ts';
import { ReplayCache } from './replayCache.ts';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

function single(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Verifies signed requests against the configured keys. */
export class RequestAuthenticator {
  private readonly replay: ReplayCache;

  constructor(
    private readonly keys: ReadonlyMap<string, string>,
    private readonly toleranceSeconds: number,
    replayCacheSize: number,
  ) {
    // A signature stays replayable for the whole window on both sides of its timestamp.
    this.replay = new ReplayCache(2 * toleranceSeconds * 1000 + 1000, replayCacheSize);
  }

  /**
   * Returns the key id of a valid request; throws AuthenticationError otherwise. `admit` runs after the
   * signature checks out and before the signature is remembered, so a request it refuses (rate limit)
   * can be retried with the same signature.
   */
  verify(headers: Headers, rawBody: string, nowMs: number, admit?: (keyId: string) => void): string {
    const keyId = single(headers[HEADER_KEY_ID]);
    const ts = single(headers[HEADER_TIMESTAMP]);
    const sig = single(headers[HEADER_SIGNATURE]);
    if (keyId === undefined || ts === undefined || sig === undefined) throw new AuthenticationError('missing_headers');
    const secret = this.keys.get(keyId);
    if (secret === undefined) throw new AuthenticationError('unknown_key');
    if (!/^\d{1,12}$/.test(ts) || Math.abs(Number(ts) - nowMs / 1000) > this.toleranceSeconds) {
      throw new AuthenticationError('bad_timestamp');
    }
    if (!signatureMatches(signBody(secret, ts, rawBody), sig)) throw new AuthenticationError('bad_signature');
    if (this.replay.has(`${keyId}/${sig}`, nowMs)) throw new AuthenticationError('replay');
    admit?.(keyId);
    if (!this.replay.checkAndRemember(`${keyId}/${sig}`, nowMs)) throw new AuthenticationError('replay');
    return keyId;
  }
}
