/** A small signed client for the gateway wire protocol (docs/design.md, Wire protocol), for tests and the benchmark. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { HEADER_KEY_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, signBody } from '../../protocol/signature.ts';

export interface GatewayResponse {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

export interface RawRequest {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** CA certificate (PEM) to trust for https. */
  readonly ca?: string | Buffer;
}

/** Sends one HTTP(S) request and collects the answer. */
export function rawRequest(baseUrl: string, req: RawRequest): Promise<GatewayResponse> {
  const url = new URL(req.path ?? '/v1/notifications', baseUrl);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const r = send(
      url,
      {
        method: req.method ?? 'POST',
        headers: req.headers ?? {},
        ...(req.ca ? { ca: req.ca } : {}),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body, text });
        });
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

export interface SignOptions {
  readonly keyId: string;
  readonly secret: string;
  /** Unix seconds; default now. */
  readonly timestamp?: number;
  readonly ca?: string | Buffer;
}

/** The three authentication headers for `body`. */
export function signedHeaders(body: string, o: SignOptions): Record<string, string> {
  const ts = o.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    [HEADER_KEY_ID]: o.keyId,
    [HEADER_TIMESTAMP]: String(ts),
    [HEADER_SIGNATURE]: signBody(o.secret, ts, body),
  };
}

/** POSTs a signed `{"notifications": […]}` body. */
export function postNotifications(baseUrl: string, notifications: unknown[], o: SignOptions): Promise<GatewayResponse> {
  const body = JSON.stringify({ notifications });
  return rawRequest(baseUrl, { body, headers: signedHeaders(body, o), ...(o.ca ? { ca: o.ca } : {}) });
}
