/**
 * Forwards notifications to the SNMP gateway over the signed wire protocol (docs/design.md, Wire protocol). Each attempt is
 * signed afresh with the wall clock (the gateway refuses stale timestamps and exact replays), retried with
 * exponential backoff and full jitter on network errors, 5xx and 429, and bounded by an overall deadline, so
 * a Lambda invocation finishes inside its own timeout. Time is bounded in two parts (docs/reference.md,
 * Configuration: `CERTMONITOR_GATEWAY_TIMEOUT_MS`): a short connect timeout, retried, since nothing reached
 * the gateway; and one answer timeout per request and gateway, shared by its attempts rather than granted to
 * each, that outlasts the gateway's own inform retries. A request whose answer never came may still be acted
 * on by the gateway, so it is not sent there again once that time is spent. A gateway whose TLS certificate
 * is not trusted is not retried either (a standby still is). An attempt refused as a
 * replay (the same chunk signed in the same second by another run) is signed again at once with a later
 * timestamp. Retrying is safe because every notification carries a deterministic id the gateway deduplicates.
 *
 * Notifications that fit `/v1` travel there exactly as they always did; the newer kinds travel in their own
 * requests to `/v2/notifications` (docs/design.md, Wire protocol). A gateway that answers 404 there is too
 * old for them: they go on to the next gateway of the list not known to lack `/v2` (not a failover: `/v1`
 * requests still start at the preferred gateway), later `/v2` requests of the same run skip that gateway,
 * and each result names the gateways passed over so the run tells each once to be upgraded. Only when no
 * gateway takes `/v2` do they fail, with `gatewayTooOld`, while `/v1` delivery goes on.
 *
 * Standby gateways (docs/gateway.md, Standby gateways): a request the gateway did not accept after its retries
 * (network error, timeout, 5xx, 429, an unreadable answer) goes to the next gateway of the list; any other
 * answer (400, 401, 413, …) would be the same at every gateway and is final. Once a standby delivered a
 * request, later requests of the same forwarder (one run) start at that standby, so a dead primary's
 * timeouts are paid once per run rather than once per request; the next run starts at the primary again.
 */
import { gatewayLabel } from '../../app/gatewayLabel.ts';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_GATEWAY_TIMEOUT_MS } from '../../app/gatewayTimeouts.ts';
import type { DeliveryResult, GatewayFailover, NotificationForwarder } from '../../app/ports.ts';
import { errorCodeOf, parseResults } from '../../protocol/answer.ts';
import {
  MAX_NOTIFICATIONS_PER_REQUEST,
  MAX_REQUEST_BODY_BYTES,
  NOTIFICATIONS_PATH,
} from '../../protocol/notification.ts';
import { type AnyNotification, fitsV1, NOTIFICATIONS_V2_PATH } from '../../protocol/notificationV2.ts';
import { HEADER_KEY_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, signBody } from '../../protocol/signature.ts';
import { AnswerTooLargeError, GatewayUntrustedError } from '../errors.ts';
import { requestFailure } from './requestFailure.ts';

/** Bodies are kept well under the gateway's limit (JSON framing and headers need some room). */
const MAX_BODY_BYTES = MAX_REQUEST_BODY_BYTES - 124 * 1024;
/** Largest answer read from the gateway; a real answer for 1000 notifications is far smaller. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** Options of {@link HttpForwarder}. */
export interface HttpForwarderOptions {
  /** Base URL of the (primary) gateway (`https://gw.example:8443`); `/v1/notifications` is appended. */
  readonly url: string;
  /** Base URLs of standby gateways, in the order they are tried after the primary. */
  readonly standbys?: readonly string[];
  readonly keyId: string;
  /** The signing secret, or a function returning it (e.g. from SSM, cached). */
  readonly secret: string | (() => Promise<string>);
  /** Attempts per request and gateway, first included (default 5). */
  readonly maxAttempts?: number;
  /** First backoff ceiling in ms (default 200); doubles per attempt up to {@link maxDelayMs}. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Upper bound on an honoured `Retry-After` (default 20 s). */
  readonly maxRetryAfterMs?: number;
  /**
   * How long the gateway may take to answer one request, across all attempts at that gateway (default
   * {@link DEFAULT_GATEWAY_TIMEOUT_MS}); connecting is not counted.
   */
  readonly answerTimeoutMs?: number;
  /**
   * What each attempt may spend connecting on top of the answer time (default {@link DEFAULT_CONNECT_TIMEOUT_MS});
   * the HTTP client's own connect timeout (forwarderFetch.ts) ends a connection that does not come up sooner.
   */
  readonly connectTimeoutMs?: number;
  /** Wall-clock instant (epoch ms) after which no attempt starts or continues. */
  readonly deadline?: number;
  /** Notifications per request, at most {@link MAX_NOTIFICATIONS_PER_REQUEST}. */
  readonly batchSize?: number;
  /** The HTTP client; default the global fetch (the CLI's, with a connect timeout and a private CA, comes from forwarderFetch.ts). */
  readonly fetch?: typeof fetch;
  /** Wall clock in ms (signing, deadline); injectable for tests. */
  readonly clock?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

interface AttemptOutcome {
  readonly results?: DeliveryResult[];
  readonly error: string;
  readonly retry: boolean;
  readonly retryAfterMs?: number;
  /** The gateway refused the signature as one it has seen: sign again at once with a later timestamp. */
  readonly resign?: boolean;
  /** The code of a coded failure (`CM_ERR_…`), carried into the results. */
  readonly errorCode?: string;
  /** Set when it differs from `retry`: not retried at this gateway, yet another gateway may accept it. */
  readonly failover?: boolean;
  /** The request may have reached the gateway: its time counts against the answer timeout. */
  readonly sent?: boolean;
  /** The request was sent and its answer never came: the gateway may act on it all the same. */
  readonly abandoned?: boolean;
  /** The answer timeout (or the deadline) ended the wait: no further attempt at this gateway. */
  readonly timedOut?: boolean;
  /** A `/v2` request answered 404: the gateway has no `/v2/notifications`. */
  readonly tooOld?: boolean;
}

/** One attempt's request: the chunk, its signed body, and how long it may take. */
interface AttemptRequest {
  readonly chunk: readonly AnyNotification[];
  /** Where it is posted: the gateway's `/v1` or `/v2` endpoint. */
  readonly endpoint: string;
  readonly v2: boolean;
  readonly body: string;
  readonly secret: string;
  readonly timestamp: number;
  readonly timeoutMs: number;
  /** An earlier attempt at this gateway was sent and abandoned (see {@link mapAnswer}). */
  readonly resent: boolean;
}

/** The gateway's answer to a signature it has already seen (docs/gateway.md, Delivery guarantees). */
const REPLAY_REFUSED = 'GW_ERR_AUTH_REPLAY';

/**
 * What one gateway made of one request after its retries: its answer mapped onto the request, or why it
 * did not accept it and whether another gateway may (`failover`: the failure was one a retry could cure).
 */
type GatewayOutcome =
  | { readonly results: DeliveryResult[] }
  | {
      readonly results?: undefined;
      readonly error: string;
      readonly failover: boolean;
      readonly errorCode?: string;
      readonly tooOld?: boolean;
    };

/** One configured gateway: its name in results and lines, its origin, and the URL requests go to. */
interface Gateway {
  readonly label: string;
  readonly origin: string;
  readonly endpoint: string;
  readonly endpointV2: string;
}

/** The timestamp last signed for one request: every attempt, at any gateway, signs a strictly later one. */
interface Signing {
  readonly secret: string;
  lastTimestamp: number;
}

/** Splits a batch by count and by serialized size, keeping order. */
export function splitBatch<T extends AnyNotification>(
  batch: readonly T[],
  maxCount = MAX_NOTIFICATIONS_PER_REQUEST,
  maxBytes = MAX_BODY_BYTES,
) {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const notification of batch) {
    const size = Buffer.byteLength(JSON.stringify(notification)) + 1;
    if (current.length > 0 && (current.length >= maxCount || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(notification);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Parses `Retry-After` (seconds or an HTTP date) into ms, clamped to [0, max]. */
export function parseRetryAfter(value: string | null, nowMs: number, maxMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return undefined;
    ms = at - nowMs;
  }
  return Math.min(Math.max(ms, 0), maxMs);
}

/** What an attempt that got no answer comes to: retried, except for a gateway whose certificate is not trusted. */
function unanswered(error: unknown, gateway: Gateway): AttemptOutcome {
  const failure = requestFailure(error);
  if (failure.trustCode !== undefined) {
    const untrusted = new GatewayUntrustedError(
      `gateway certificate not trusted: use --ca-file (CERTMONITOR_GATEWAY_CA_FILE; Lambda: extraCaCerts) for the CA of ${gateway.origin} (${failure.trustCode})`,
      { cause: error },
    );
    return { error: untrusted.message, errorCode: untrusted.code, retry: false, failover: true };
  }
  return {
    error: failure.reason,
    retry: true,
    sent: failure.sent,
    abandoned: failure.sent,
    timedOut: failure.timedOut,
  };
}

function failAll(
  chunk: readonly AnyNotification[],
  error: string,
  gateway?: string,
  errorCode?: string,
  tooOld?: boolean,
): DeliveryResult[] {
  return chunk.map((n) => ({
    id: n.id,
    delivered: false,
    traps: [],
    error,
    ...(errorCode ? { errorCode } : {}),
    ...(gateway ? { gateway } : {}),
    ...(tooOld ? { gatewayTooOld: true } : {}),
  }));
}

/** Names on each result the gateways passed over for it because they have no `/v2`, when there are any. */
function withoutV2(results: DeliveryResult[], gateways: readonly string[]): DeliveryResult[] {
  return gateways.length === 0 ? results : results.map((r) => ({ ...r, gatewaysWithoutV2: gateways }));
}

/** Why a gateway too old for `/v2` did not take a notification. */
const TOO_OLD = 'gateway has no /v2/notifications';

/**
 * Maps a 200 answer of `gateway` onto the chunk; undefined when the answer is not the protocol's shape.
 * `resent`: an earlier attempt of this run at this gateway was sent and abandoned. The gateway answers the
 * resend as a duplicate, of the copy it was still working on or had finished: a copy this run sent. So
 * here a duplicate reads as sent by this run, never as the "Duplicate …" of an earlier run's delivery.
 */
function mapAnswer(
  chunk: readonly AnyNotification[],
  answer: unknown,
  gateway: string,
  resent: boolean,
): DeliveryResult[] | undefined {
  const results = parseResults(answer);
  if (!results) return undefined;
  const byId = new Map<string, DeliveryResult>();
  for (const answered of results) {
    const result = resent ? { ...answered, duplicate: false } : answered;
    const delivered = result.duplicate || result.traps.every((t) => t.ok);
    byId.set(result.id, {
      ...result,
      delivered,
      ...(delivered ? {} : { error: 'gateway could not reach every trap host' }),
      gateway,
    });
  }
  return chunk.map(
    (n) =>
      byId.get(n.id) ?? { id: n.id, delivered: false, traps: [], error: 'gateway returned no result for it', gateway },
  );
}

/** A gateway's name and the endpoint requests are posted to. */
function gatewayAt(base: string): Gateway {
  const url = new URL(base);
  // Never log credentials that might sit in the URL.
  url.username = '';
  url.password = '';
  const folder = url.href.endsWith('/') ? url.href : `${url.href}/`;
  const endpoint = new URL(NOTIFICATIONS_PATH.slice(1), folder).href;
  const endpointV2 = new URL(NOTIFICATIONS_V2_PATH.slice(1), folder).href;
  return { label: gatewayLabel(url), origin: url.origin, endpoint, endpointV2 };
}

/** {@link NotificationForwarder} to the HTTP(S) gateway. */
export class HttpForwarder implements NotificationForwarder {
  /** The gateways' names, primary first. */
  readonly description: string;
  private readonly gateways: readonly Gateway[];
  /** Where each request starts: the primary, or the standby that delivered after the last failover. */
  private preferred = 0;
  /** Gateways (by index) that answered 404 on `/v2` in this forwarder's run: too old for the newer kinds. */
  private readonly withoutV2 = new Set<number>();
  private readonly clock: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: HttpForwarderOptions) {
    this.gateways = [options.url, ...(options.standbys ?? [])].map(gatewayAt);
    this.description = this.gateways.map((g) => g.label).join(', ');
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  /**
   * Sends the batch in chunks of at most 1000, each to the first gateway that accepts it: what fits `/v1`
   * there, the rest to `/v2`; every notification gets a result; never throws.
   */
  async forward(
    batch: readonly AnyNotification[],
    onFailover?: (failover: GatewayFailover) => void,
  ): Promise<DeliveryResult[]> {
    if (batch.length === 0) return [];
    let secret: string;
    try {
      secret = typeof this.options.secret === 'string' ? this.options.secret : await this.options.secret();
    } catch {
      return failAll(batch, 'signing secret unavailable');
    }
    const results: DeliveryResult[] = [];
    const perRequest = Math.min(this.options.batchSize ?? MAX_NOTIFICATIONS_PER_REQUEST, MAX_NOTIFICATIONS_PER_REQUEST);
    const v1 = batch.filter(fitsV1);
    const v2 = v1.length === batch.length ? [] : batch.filter((n) => !fitsV1(n));
    const chunks = [
      ...splitBatch(v1, perRequest).map((chunk) => ({ chunk, v2: false })),
      ...splitBatch(v2, perRequest).map((chunk) => ({ chunk, v2: true })),
    ];
    for (const { chunk, v2: isV2 } of chunks) {
      try {
        const signing = { secret, lastTimestamp: Number.NEGATIVE_INFINITY };
        results.push(...(await this.deliverChunk(chunk, isV2, signing, onFailover)));
      } catch {
        results.push(...failAll(chunk, 'gateway delivery failed'));
      }
    }
    return results;
  }

  /**
   * Sends one chunk to the preferred gateway, then to the others in list order while each fails in a way
   * that is its own (no answer, 5xx, 429) and time is left; resolves to the results of the gateway that
   * answered, or to failures naming the last one tried.
   */
  private async deliverChunk(
    chunk: readonly AnyNotification[],
    v2: boolean,
    signing: Signing,
    onFailover: ((failover: GatewayFailover) => void) | undefined,
  ): Promise<DeliveryResult[]> {
    const body = JSON.stringify({ notifications: chunk });
    const deadline = this.options.deadline ?? Number.POSITIVE_INFINITY;
    // The preferred gateway first, then the others in list order; for `/v2`, only those not known to lack it.
    const order = [this.preferred, ...this.gateways.keys()].filter((index, at, all) => all.indexOf(index) === at);
    const passedOver = new Set(v2 ? order.filter((index) => this.withoutV2.has(index)) : []);
    const tried = order.filter((index) => !passedOver.has(index));
    let failedOver = false;
    for (const [position, index] of tried.entries()) {
      const gateway = this.gateways[index] as Gateway;
      const outcome = await this.sendChunk(gateway, { chunk, body, v2 }, signing);
      if (outcome.results) {
        // A standby that took `/v2` only because the preferred gateway lacks it does not become preferred.
        if (failedOver) this.preferred = index;
        return withoutV2(outcome.results, this.labels(passedOver));
      }
      if (outcome.tooOld) {
        this.withoutV2.add(index);
        passedOver.add(index);
      }
      const next = this.gateways[tried[position + 1] ?? -1];
      if (!(outcome.failover || outcome.tooOld) || next === undefined || this.clock() >= deadline) {
        const failed = failAll(chunk, outcome.error, gateway.label, outcome.errorCode, outcome.tooOld);
        return withoutV2(failed, this.labels(passedOver));
      }
      // A gateway without `/v2` is not a failover (docs/gateway.md, Newer notifications).
      if (outcome.tooOld) continue;
      failedOver = true;
      onFailover?.({ from: gateway.label, to: next.label, reason: outcome.error, count: chunk.length });
    }
    // Every gateway is known to lack `/v2`: none is asked again in this run.
    const last = this.gateways[order.at(-1) ?? this.preferred] as Gateway;
    return withoutV2(failAll(chunk, TOO_OLD, last.label, undefined, true), this.labels(passedOver));
  }

  /** The names of the gateways at these indexes, in list order. */
  private labels(indexes: ReadonlySet<number>): string[] {
    return [...this.gateways.keys()].filter((index) => indexes.has(index)).map((index) => this.gateways[index]!.label);
  }

  /**
   * One gateway's attempts at one chunk, with backoff between them. The attempts share one answer
   * timeout: time spent waiting on a request the gateway may have received is spent for good.
   */
  private async sendChunk(
    gateway: Gateway,
    { chunk, body, v2 }: { readonly chunk: readonly AnyNotification[]; readonly body: string; readonly v2: boolean },
    signing: Signing,
  ): Promise<GatewayOutcome> {
    const maxAttempts = Math.max(1, this.options.maxAttempts ?? 5);
    const deadline = this.options.deadline ?? Number.POSITIVE_INFINITY;
    const answerTimeoutMs = this.options.answerTimeoutMs ?? DEFAULT_GATEWAY_TIMEOUT_MS;
    const connectTimeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    let answerSpentMs = 0;
    let abandoned = false;
    let last: GatewayOutcome = { error: 'gateway delivery not attempted before the deadline', failover: false };
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const remaining = deadline - this.clock();
      if (remaining <= 0 || answerSpentMs >= answerTimeoutMs) break;
      // The gateway refuses an exact replay of a signature it has seen, and the same body signed in the
      // same second is exactly that: each attempt of a chunk gets a strictly later timestamp.
      const timestamp = Math.max(Math.floor(this.clock() / 1000), signing.lastTimestamp + 1);
      signing.lastTimestamp = timestamp;
      const timeoutMs = Math.min(connectTimeoutMs + answerTimeoutMs - answerSpentMs, remaining);
      const started = this.clock();
      const endpoint = v2 ? gateway.endpointV2 : gateway.endpoint;
      const request = { chunk, endpoint, v2, body, secret: signing.secret, timestamp, timeoutMs, resent: abandoned };
      const outcome = await this.attempt(gateway, request);
      if (outcome.results) return { results: outcome.results };
      if (outcome.sent) answerSpentMs += this.clock() - started;
      abandoned ||= outcome.abandoned === true;
      const failover = outcome.failover ?? (outcome.retry && !outcome.resign);
      last = {
        error: outcome.error,
        failover,
        ...(outcome.errorCode ? { errorCode: outcome.errorCode } : {}),
        ...(outcome.tooOld ? { tooOld: true } : {}),
      };
      if (!outcome.retry || outcome.timedOut || attempt === maxAttempts) break;
      if (outcome.resign) continue;
      const ceiling = Math.min(
        this.options.maxDelayMs ?? 5_000,
        (this.options.baseDelayMs ?? 200) * 2 ** (attempt - 1),
      );
      const delay = outcome.retryAfterMs ?? Math.floor(this.random() * ceiling);
      if (this.clock() + delay >= deadline) break;
      await this.sleep(delay);
    }
    return last;
  }

  private async attempt(gateway: Gateway, request: AttemptRequest): Promise<AttemptOutcome> {
    const { chunk, body, secret, timestamp, timeoutMs } = request;
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(request.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [HEADER_KEY_ID]: this.options.keyId,
          [HEADER_TIMESTAMP]: String(timestamp),
          [HEADER_SIGNATURE]: signBody(secret, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(Math.max(1, timeoutMs)),
      });
    } catch (error) {
      return unanswered(error, gateway);
    }
    const status = response.status;
    let text: string;
    try {
      text = await readText(response);
    } catch (error) {
      if (error instanceof AnswerTooLargeError) return { error: error.message, retry: true, sent: true };
      return unanswered(error, gateway);
    }
    if (status === 200) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return { error: 'gateway answered with an unreadable body', retry: true, sent: true };
      }
      const results = mapAnswer(chunk, parsed, gateway.label, request.resent);
      return results
        ? { results, error: '', retry: false }
        : { error: 'gateway answered with an unexpected body', retry: true, sent: true };
    }
    const code = errorCodeOf(text);
    const error = `gateway answered HTTP ${status}${code ? ` (${code})` : ''}`;
    // Another run (an overlapping or back-to-back one) forwarding the same chunk in the same second signs
    // the same bytes with the same timestamp: to the gateway that is a replay, though this request is new.
    if (status === 401 && code === REPLAY_REFUSED) return { error, retry: true, resign: true };
    if (status === 429 || status >= 500) {
      const retryAfterMs = parseRetryAfter(
        response.headers.get('retry-after'),
        this.clock(),
        this.options.maxRetryAfterMs ?? 20_000,
      );
      return { error, retry: true, sent: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    }
    if (status === 404 && request.v2) return { error: `${TOO_OLD} (HTTP 404)`, retry: false, sent: true, tooOld: true };
    return { error, retry: false, sent: true };
  }
}

/** Reads an answer body with a size bound. */
async function readText(response: Response): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.length;
    if (total > MAX_ANSWER_BYTES) {
      await response.body.cancel().catch(() => {});
      throw new AnswerTooLargeError('gateway answer too large');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
