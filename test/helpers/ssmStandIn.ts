/**
 * A local stand-in for SSM Parameter Store speaking the AWS JSON 1.1 protocol (`X-Amz-Target:
 * AmazonSSM.<Operation>`), enough for GetParametersByPath (10 per page with NextToken, recursive or not),
 * GetParameter and PutParameter (with SSM's tier rules: 4 KB standard, 8 KB advanced, no way back from
 * advanced). SSM has no local server, so this is the one peer the tests imitate; it also injects
 * throttling on demand.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SsmStandIn {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  readonly parameters: Map<string, string>;
  /** Tier and type of the parameters written with PutParameter (others are standard SecureStrings). */
  readonly tiers: Map<string, string>;
  readonly types: Map<string, string>;
  /** Operations received, e.g. `GetParametersByPath`, `GetParameter /a/b`. */
  readonly calls: string[];
  /** Answers the next `n` requests matching `match` with a ThrottlingException (HTTP 400). */
  throttle(match: (operation: string, body: Record<string, unknown>) => boolean, n: number): void;
  stop(): Promise<void>;
}

const PAGE = 10;

/** Starts the stand-in on a free loopback port with the given parameters (name → value). */
export async function startSsmStandIn(initial: Iterable<readonly [string, string]> = []): Promise<SsmStandIn> {
  const parameters = new Map(initial);
  const tiers = new Map<string, string>();
  const types = new Map<string, string>();
  const calls: string[] = [];
  const faults: { match: (operation: string, body: Record<string, unknown>) => boolean; left: number }[] = [];

  const answer = (response: http.ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(JSON.stringify(body));
  };
  const parameter = (name: string) => ({
    Name: name,
    Type: types.get(name) ?? 'SecureString',
    Value: parameters.get(name),
    Version: 1,
    ARN: `arn:aws:ssm:us-east-1:000000000000:parameter${name}`,
  });

  /** PutParameter as SSM answers it: overwrite only when asked, tier limits, no downgrade from advanced. */
  const putParameter = (body: Record<string, unknown>, response: http.ServerResponse) => {
    const name = String(body.Name);
    const value = String(body.Value ?? '');
    const refuse = (type: string, message: string) => answer(response, 400, { __type: type, message });
    if (parameters.has(name) && body.Overwrite !== true) return refuse('ParameterAlreadyExists', '');
    const before = tiers.get(name) ?? 'Standard';
    // Without a tier the account's default (standard) applies: the strict reading of SSM's rules.
    const tier = body.Tier === undefined ? 'Standard' : String(body.Tier);
    if (before === 'Advanced' && tier === 'Standard') return refuse('ValidationException', 'no downgrade');
    if (value.length > (tier === 'Advanced' ? 8192 : 4096)) return refuse('ValidationException', 'too large');
    parameters.set(name, value);
    tiers.set(name, tier);
    types.set(name, String(body.Type ?? types.get(name) ?? 'String'));
    return answer(response, 200, { Version: 1, Tier: tier });
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const operation = String(request.headers['x-amz-target'] ?? '').replace(/^AmazonSSM\./, '');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        return answer(response, 400, { __type: 'SerializationException', message: 'bad JSON' });
      }
      const named = operation === 'GetParameter' || operation === 'PutParameter';
      calls.push(named ? `${operation} ${String(body.Name)}` : operation);
      const fault = faults.find((f) => f.left > 0 && f.match(operation, body));
      if (fault) {
        fault.left--;
        return answer(response, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
      }
      if (operation === 'GetParameter') {
        const name = String(body.Name);
        if (!parameters.has(name)) return answer(response, 400, { __type: 'ParameterNotFound', message: '' });
        return answer(response, 200, { Parameter: parameter(name) });
      }
      if (operation === 'GetParametersByPath') {
        const path = String(body.Path);
        const base = path.endsWith('/') ? path : `${path}/`;
        const max = Math.min(Number(body.MaxResults ?? PAGE), PAGE);
        const names = [...parameters.keys()]
          .filter(
            (name) => name.startsWith(base) && (body.Recursive === true || !name.slice(base.length).includes('/')),
          )
          .sort();
        const start = body.NextToken === undefined ? 0 : Number(body.NextToken);
        const page = names.slice(start, start + max);
        const next = start + max < names.length ? { NextToken: String(start + max) } : {};
        return answer(response, 200, { Parameters: page.map(parameter), ...next });
      }
      if (operation === 'PutParameter') return putParameter(body, response);
      return answer(response, 400, { __type: 'InvalidAction', message: 'not supported by the stand-in' });
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    parameters,
    tiers,
    types,
    calls,
    throttle: (match, n) => faults.push({ match, left: n }),
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
