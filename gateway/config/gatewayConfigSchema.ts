/**
 * The gateway's YAML file as zod checks it (docs/gateway.md, Configuration reference): strict objects,
 * so an unknown or misspelt key is refused with its path; types, ranges and defaults. Secrets and
 * relative paths are resolved afterwards, by the code that builds the configuration.
 */
import { z } from 'zod';
import { formatKeyPath } from '../../protocol/keyPath.ts';
import { MAX_REQUEST_BODY_BYTES } from '../../protocol/notification.ts';
import { EVENT_KINDS, type EventKind } from '../../protocol/notificationV2.ts';
import { DEFAULT_TIMESTAMP_TOLERANCE_SECONDS } from '../../protocol/signature.ts';
import { GatewayConfigError } from '../gatewayErrors.ts';
import { ACCESS_LOG_LEVELS } from '../http/accessLog.ts';

/** The default notification OID (`ntlsAttentionNotify`, docs/design.md, SNMP notification). */
export const DEFAULT_NOTIFICATION_OID = '1.3.6.1.4.1.23629.1.5.2.2.6';

const oid = z.string().regex(/^\d+(\.\d+){2,127}$/, 'must be a dotted numeric OID');
const port = z.number().int().min(1).max(65535);
const positiveInt = z.number().int().positive();
const nonEmpty = z.string().min(1);

/**
 * `snmp.events.<kind>.oid`: the notification OID of a kind of the newer notifications (docs/gateway.md,
 * Newer notifications); a kind without one reaches syslog only. Unknown kinds are refused by name.
 */
const eventsSchema = z.strictObject(
  Object.fromEntries(EVENT_KINDS.map((kind) => [kind, z.strictObject({ oid }).optional()])) as Record<
    EventKind,
    z.ZodOptional<z.ZodObject<{ oid: typeof oid }>>
  >,
);

const bucket = z.strictObject({
  perSecond: z.number().positive(),
  burst: positiveInt,
});

const secretSources = {
  Env: nonEmpty.optional(),
  File: nonEmpty.optional(),
};

const trapHostSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,62}$/)
    .optional(),
  host: nonEmpty,
  port: port.default(162),
  version: z.union([z.literal(1), z.literal(2), z.literal(3), z.enum(['1', 'v1', '2c', 'v2c', '3', 'v3'])]),
  type: z.enum(['trap', 'inform']).default('trap'),
  community: nonEmpty.optional(),
  communityEnv: secretSources.Env,
  communityFile: secretSources.File,
  user: nonEmpty.optional(),
  authProtocol: z.enum(['sha', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']).optional(),
  authKey: nonEmpty.optional(),
  authKeyEnv: secretSources.Env,
  authKeyFile: secretSources.File,
  privProtocol: z.enum(['aes', 'aes128', 'aes256', 'aes256b', 'aes256r']).optional(),
  privKey: nonEmpty.optional(),
  privKeyEnv: secretSources.Env,
  privKeyFile: secretSources.File,
  engineId: z.string().optional(),
  retries: z.number().int().min(0).max(20).default(3),
  timeoutMs: z.number().int().min(10).max(120_000).default(2000),
  backoff: z.number().min(1).max(10).default(2),
  maxPerSecond: z.number().min(0).default(5000),
});

const networkSink = (transport: 'udp' | 'tcp' | 'tls') =>
  z.strictObject({
    transport: z.literal(transport),
    host: nonEmpty,
    port: port.default(transport === 'tls' ? 6514 : 514),
    format: z.enum(['rfc3164', 'rfc5424']).default('rfc3164'),
    framing: z.enum(['octet-counted', 'newline']).default(transport === 'udp' ? 'newline' : 'octet-counted'),
    ca: nonEmpty.optional(),
    rejectUnauthorized: z.boolean().default(true),
    bufferLines: positiveInt.max(1_000_000).default(10_000),
  });

const syslogSinkSchema = z.preprocess(
  (v) =>
    v && typeof v === 'object' && !Array.isArray(v) && 'file' in v && !('transport' in v)
      ? { transport: 'file', ...v }
      : v,
  z.discriminatedUnion('transport', [
    networkSink('udp'),
    networkSink('tcp'),
    networkSink('tls'),
    z.strictObject({
      transport: z.literal('file'),
      file: nonEmpty,
      bufferLines: positiveInt.max(1_000_000).default(10_000),
    }),
  ]),
);

const configSchema = z.strictObject({
  listen: z
    .strictObject({
      host: nonEmpty.default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8443),
      tls: z.strictObject({ cert: nonEmpty, key: nonEmpty }).optional(),
      bodyLimitBytes: positiveInt.max(MAX_REQUEST_BODY_BYTES).default(MAX_REQUEST_BODY_BYTES),
    })
    .default({ host: '127.0.0.1', port: 8443, bodyLimitBytes: MAX_REQUEST_BODY_BYTES }),
  auth: z.strictObject({
    keys: z
      .array(
        z.strictObject({
          id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 of [A-Za-z0-9._-]'),
          secretFile: nonEmpty.optional(),
          secretEnv: nonEmpty.optional(),
        }),
      )
      .min(1),
    timestampToleranceSeconds: positiveInt.max(3600).default(DEFAULT_TIMESTAMP_TOLERANCE_SECONDS),
    replayCacheSize: positiveInt.default(100_000),
  }),
  rateLimit: z
    .strictObject({
      perClient: bucket.default({ perSecond: 50, burst: 200 }),
      perKey: bucket.default({ perSecond: 50, burst: 200 }),
    })
    .default({ perClient: { perSecond: 50, burst: 200 }, perKey: { perSecond: 50, burst: 200 } }),
  snmp: z
    .strictObject({
      notificationOid: oid.default(DEFAULT_NOTIFICATION_OID),
      trapOnProblems: z.boolean().default(false),
      events: eventsSchema.optional(),
    })
    .default({ notificationOid: DEFAULT_NOTIFICATION_OID, trapOnProblems: false }),
  trapHosts: z.array(trapHostSchema).default([]),
  syslog: z.array(syslogSinkSchema).default([]),
  stateDir: nonEmpty.default('./var/gateway'),
  crashDir: nonEmpty.optional(),
  retentionDays: z.number().min(1).max(365).default(7),
  hostname: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/)
    .optional(),
  maxInFlightTraps: positiveInt.max(10_000).default(256),
  metrics: z
    .strictObject({
      enabled: z.boolean().default(true),
      listen: z
        .strictObject({ host: nonEmpty.default('127.0.0.1'), port: z.number().int().min(0).max(65535) })
        .optional(),
    })
    .default({ enabled: true }),
  accessLog: z.enum(ACCESS_LOG_LEVELS).default('requests'),
});

/** The file as the schema returns it: checked, defaults applied, secrets and relative paths not yet resolved. */
export type RawGatewayConfig = z.infer<typeof configSchema>;

/** One `trapHosts[]` entry as the schema returns it. */
export type RawTrapHost = z.infer<typeof trapHostSchema>;

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const base = formatKeyPath(issue.path);
    const keys = issue.keys.map((k) => (base === '(root)' ? k : `${base}.${k}`));
    return `unknown key ${keys.join(', ')}`;
  }
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
    return `${formatKeyPath([...issue.path, 'transport'])}: must be udp, tcp, tls, or a file sink`;
  }
  // zod's own messages describe the expected type/format; they never quote the received value.
  return `${formatKeyPath(issue.path)}: ${issue.message}`;
}

/** Checks an already-parsed YAML document; throws {@link GatewayConfigError} naming the first bad key. */
export function parseConfigDocument(doc: unknown): RawGatewayConfig {
  const parsed = configSchema.safeParse(doc ?? {});
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new GatewayConfigError(`invalid gateway configuration: ${describeIssue(first)}`, { cause: parsed.error });
  }
  return parsed.data;
}
