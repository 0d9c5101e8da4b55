/**
 * The HTTP(S) intake on fastify (docs/design.md, Wire protocol): `POST /v1/notifications` and
 * `POST /v2/notifications` (raw body kept for the HMAC, 1 MiB limit, JSON only), `GET /healthz` and, unless it has a listener of its own,
 * `GET /metrics` (docs/gateway.md, Metrics; like `/healthz` without authentication or rate limit). Errors
 * answer `{"error":{"code","message"}}` with fixed texts; nothing from the request or the configuration's
 * secrets is ever echoed.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { NOTIFICATIONS_PATH } from '../../protocol/notification.ts';
import { type AnyNotification, NOTIFICATIONS_V2_PATH } from '../../protocol/notificationV2.ts';
import type { DeliveryService } from '../delivery/deliveryService.ts';
import {
  BadRequestError,
  GatewayError,
  InternalGatewayError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  RequestValidationError,
  UnavailableError,
  UnsupportedMediaTypeError,
} from '../gatewayErrors.ts';
import type { GatewayMetrics } from '../metrics/gatewayMetrics.ts';
import type { AccessEntry } from './accessLog.ts';
import type { ListenTlsMaterial } from './listenTls.ts';
import { parseNotificationBatch, parseNotificationBatchV2 } from './notificationBatchSchema.ts';
import type { RequestAuthenticator } from './requestAuthenticator.ts';
import type { TokenBucketLimiter } from './tokenBucketLimiter.ts';

/** What the server needs; built by the lifecycle (or by a test). */
export interface GatewayServerDeps {
  readonly authenticator: RequestAuthenticator;
  readonly service: DeliveryService;
  readonly perClient: TokenBucketLimiter;
  readonly perKey: TokenBucketLimiter;
  readonly bodyLimitBytes: number;
  /** PEM certificate and key, already read and checked (listenTls.ts): HTTPS only. */
  readonly tls?: ListenTlsMaterial;
  /** Called for each refused request (peer address and error code only). */
  readonly onRejected?: (peer: string, code: string) => void;
  /** Called once per answered request, for the access log (docs/gateway.md, Access log). */
  readonly onAccess?: (entry: AccessEntry) => void;
  /** Called with unexpected errors (for stderr); never sent to the client. */
  readonly onInternalError?: (error: unknown) => void;
  readonly clock?: () => number;
  /** Counts refusals and request durations; with `serveMetrics`, also answers `GET /metrics`. */
  readonly metrics?: GatewayMetrics;
  readonly serveMetrics?: boolean;
}

/** Paths that answer without authentication or rate limit: probes and scrapers call them on a schedule. */
const OPEN_PATHS: ReadonlySet<string> = new Set(['/healthz', '/metrics']);

function toGatewayError(error: FastifyError | Error): GatewayError {
  if (error instanceof GatewayError) return error;
  const code = (error as FastifyError).code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new PayloadTooLargeError({ cause: error });
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new UnsupportedMediaTypeError({ cause: error });
  const status = (error as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return new BadRequestError(status === 404 ? 404 : 400, { cause: error });
  }
  return new InternalGatewayError({ cause: error });
}

/** What a request established for its access line: the authenticated key id, the counts, the refusal code. */
type AccessFacts = Pick<AccessEntry, 'keyId' | 'code' | 'notifications' | 'duplicates'>;

/** One access line per request (docs/gateway.md, Access log), answered or abandoned by its client. */
function addAccessLog(
  app: FastifyInstance,
  onAccess: (entry: AccessEntry) => void,
  facts: WeakMap<object, AccessFacts>,
): void {
  const entry = (request: FastifyRequest, reply: FastifyReply): AccessEntry => ({
    peer: request.ip,
    method: request.method,
    url: request.url,
    status: reply.statusCode,
    durationMs: reply.elapsedTime,
    ...facts.get(request),
  });
  app.addHook('onResponse', async (request, reply) => onAccess(entry(request, reply)));
  // A client that gave up (its timeout) closed the connection while the request was handled: fastify
  // then sends nothing and never calls onResponse, yet the request was acted on. It gets its line here,
  // with what it would have been answered.
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.raw.destroyed && !reply.raw.writableFinished) onAccess({ ...entry(request, reply), abandoned: true });
    return payload;
  });
}

/** Builds (does not start) the fastify instance. */
export function buildGatewayServer(deps: GatewayServerDeps): FastifyInstance {
  const clock = deps.clock ?? Date.now;
  const facts = new WeakMap<object, AccessFacts>();
  const note = (request: object, more: AccessFacts) => facts.set(request, { ...facts.get(request), ...more });
  const app = Fastify({
    logger: false,
    bodyLimit: deps.bodyLimitBytes,
    requestTimeout: 120_000,
    connectionTimeout: 130_000,
    return503OnClosing: true,
    ...(deps.tls ? { https: { cert: deps.tls.cert, key: deps.tls.key } } : {}),
  }) as unknown as FastifyInstance;

  app.removeAllContentTypeParsers();
  // Keep the body as the exact string that was signed; JSON is parsed only after the HMAC checks out.
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: deps.bodyLimitBytes },
    (_req, body, done) => done(null, body),
  );

  app.addHook('onRequest', async (request) => {
    if (OPEN_PATHS.has(request.url)) return;
    if (!deps.perClient.take(request.ip, clock())) throw new RateLimitedError();
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  const metrics = deps.metrics;
  if (metrics) {
    app.addHook('onResponse', async (request, reply) => {
      metrics.request(request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
    });
    if (deps.serveMetrics) {
      app.get('/metrics', async (_request, reply) => {
        const { body, contentType } = await metrics.render();
        return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
      });
    }
  }

  // `/v1` and `/v2` differ only in the schema of their notifications (docs/design.md, Wire protocol):
  // the same authentication, replay protection, limits and answers.
  const intake = (parse: (raw: string) => AnyNotification[]) => async (request: FastifyRequest) => {
    const raw = request.body;
    if (typeof raw !== 'string') throw new UnsupportedMediaTypeError();
    deps.authenticator.verify(request.headers, raw, clock(), (keyId) => {
      // Known from here on: the key id is one of the configured ones and the signature checked out.
      note(request, { keyId });
      if (!deps.perKey.take(keyId, clock())) throw new RateLimitedError();
    });
    const batch = parse(raw);
    const results = await deps.service.handleBatch(batch);
    note(request, { notifications: results.length, duplicates: results.filter((r) => r.duplicate).length });
    return { results };
  };
  app.post(NOTIFICATIONS_PATH, intake(parseNotificationBatch));
  app.post(NOTIFICATIONS_V2_PATH, intake(parseNotificationBatchV2));

  if (deps.onAccess) addAccessLog(app, deps.onAccess, facts);

  app.setNotFoundHandler(async () => {
    throw new NotFoundError();
  });

  app.setErrorHandler(async (error, request, reply) => {
    const gw = toGatewayError(error as FastifyError);
    deps.metrics?.refusedRequest(gw.code);
    note(request, { code: gw.code });
    if (gw instanceof InternalGatewayError) deps.onInternalError?.(error);
    else if (!(gw instanceof UnavailableError) && !(gw instanceof NotFoundError))
      deps.onRejected?.(request.ip, gw.code);
    if (gw instanceof RequestValidationError || gw.statusCode < 500) reply.header('cache-control', 'no-store');
    return reply.status(gw.statusCode).send({ error: { code: gw.code, message: gw.message } });
  });

  return app;
}
