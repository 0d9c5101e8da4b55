/**
 * The HTTP(S) intake on fastify (docs/design.md, Wire protocol): `POST /v1/notifications` (raw body kept
 * for the HMAC, 1 MiB limit, JSON only) and `GET /healthz`. Errors answer `{"error":{"code","message"}}`
 * with fixed texts; nothing from the request or the configuration's secrets is ever echoed.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { NOTIFICATIONS_PATH } from '../../protocol/notification.ts';
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
import type { AccessEntry } from './accessLog.ts';
import type { ListenTlsMaterial } from './listenTls.ts';
import { parseNotificationBatch } from './notificationBatchSchema.ts';
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
}

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
    if (request.url === '/healthz') return;
    if (!deps.perClient.take(request.ip, clock())) throw new RateLimitedError();
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.post(NOTIFICATIONS_PATH, async (request) => {
    const raw = request.body;
    if (typeof raw !== 'string') throw new UnsupportedMediaTypeError();
    deps.authenticator.verify(request.headers, raw, clock(), (keyId) => {
      // Known from here on: the key id is one of the configured ones and the signature checked out.
      note(request, { keyId });
      if (!deps.perKey.take(keyId, clock())) throw new RateLimitedError();
    });
    const batch = parseNotificationBatch(raw);
    const results = await deps.service.handleBatch(batch);
    note(request, { notifications: results.length, duplicates: results.filter((r) => r.duplicate).length });
    return { results };
  });

  if (deps.onAccess) {
    const onAccess = deps.onAccess;
    app.addHook('onResponse', async (request, reply) => {
      onAccess({
        peer: request.ip,
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        durationMs: reply.elapsedTime,
        ...facts.get(request),
      });
    });
  }

  app.setNotFoundHandler(async () => {
    throw new NotFoundError();
  });

  app.setErrorHandler(async (error, request, reply) => {
    const gw = toGatewayError(error as FastifyError);
    note(request, { code: gw.code });
    if (gw instanceof InternalGatewayError) deps.onInternalError?.(error);
    else if (!(gw instanceof UnavailableError) && !(gw instanceof NotFoundError))
      deps.onRejected?.(request.ip, gw.code);
    if (gw instanceof RequestValidationError || gw.statusCode < 500) reply.header('cache-control', 'no-store');
    return reply.status(gw.statusCode).send({ error: { code: gw.code, message: gw.message } });
  });

  return app;
}
