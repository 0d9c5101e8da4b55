/**
 * The certificate fields kept in an appliance's state, keyed by the source's object version, and their
 * way back into a {@link Certificate}. An S3 ETag changes whenever the object's bytes change, so an equal
 * ETag means the same certificate: the steady-state run then costs one state read per appliance instead
 * of a state read plus a certificate read.
 */
import { isUtcInstant } from '../protocol/isoInstant.ts';
import type { Mutable } from './mutable.ts';
import type { CachedCertificate, CachedChainCertificate, Certificate, CertificateFile } from './types.ts';

const FINGERPRINT = /^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/;
const MAX_FIELD = 1024;
/** Most SAN entries or chain certificates cached; a certificate with more is simply fetched every run. */
const MAX_ENTRIES = 64;

/**
 * The cache's format. Raise it whenever reading a certificate changes what these fields hold (a parser
 * fix, a new key type name): every cached entry is then read afresh once, instead of keeping old answers
 * for as long as the object is unchanged. 2: subjects and issuers name every X.520 attribute type OpenSSL
 * names (telephoneNumber, postOfficeBox, …) where format 1 held dotted OIDs. 3: the signature algorithm,
 * SAN entries and chain certificates the findings read (docs/reference.md, Certificate findings), which a
 * format 2 entry lacks: read as format 3, its certificate would have no findings.
 */
export const CACHE_FORMAT = 3;

/** The chain fields worth caching. */
function cacheChain(certificate: Certificate): CachedChainCertificate {
  return {
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    subject: certificate.subject,
    issuer: certificate.issuer,
    serialNumber: certificate.serialNumber,
    keyType: certificate.keyType,
    fingerprintSha256: certificate.fingerprintSha256,
  };
}

/**
 * The fields of `certificate` (and its `chain`) worth caching, under the source version it was read at;
 * undefined when a field is too long to cache (such a certificate is simply fetched every run).
 */
export function cacheCertificate(
  certificate: Certificate,
  sourceVersion: string,
  chain: readonly Certificate[] = [],
): CachedCertificate | undefined {
  const cached: Mutable<CachedCertificate> = { format: CACHE_FORMAT, sourceVersion, ...cacheChain(certificate) };
  if (certificate.signatureAlgorithm !== undefined) cached.signatureAlgorithm = certificate.signatureAlgorithm;
  if (certificate.signatureHash !== undefined) cached.signatureHash = certificate.signatureHash;
  const names = certificate.subjectAltNames;
  if (names !== undefined && names.dns.length > 0) cached.dnsNames = [...names.dns];
  if (names !== undefined && names.ip.length > 0) cached.ipAddresses = [...names.ip];
  if (chain.length > 0) cached.chain = chain.map(cacheChain);
  return cachedCertificateProblem(cached) === undefined ? cached : undefined;
}

/** The cache entry if it can be trusted (right format, well formed), else undefined: then the certificate is read. */
export function usableCache(value: CachedCertificate | undefined): CachedCertificate | undefined {
  return value !== undefined && cachedCertificateProblem(value) === undefined ? value : undefined;
}

function chainCertificate(cached: CachedChainCertificate): Certificate {
  return {
    der: new Uint8Array(0),
    notBefore: new Date(cached.notBefore),
    notAfter: new Date(cached.notAfter),
    subject: cached.subject,
    issuer: cached.issuer,
    serialNumber: cached.serialNumber,
    keyType: cached.keyType,
    fingerprintSha256: cached.fingerprintSha256,
  };
}

/** The certificate described by a cache entry (without its DER, which nothing downstream reads). */
export function certificateFromCache(cached: CachedCertificate): Certificate {
  const certificate: Mutable<Certificate> = chainCertificate(cached);
  if (cached.signatureAlgorithm !== undefined) certificate.signatureAlgorithm = cached.signatureAlgorithm;
  if (cached.signatureHash !== undefined) certificate.signatureHash = cached.signatureHash;
  if (cached.signatureAlgorithm !== undefined || cached.dnsNames !== undefined || cached.ipAddresses !== undefined) {
    certificate.subjectAltNames = { dns: cached.dnsNames ?? [], ip: cached.ipAddresses ?? [] };
  }
  return certificate;
}

/** The certificate file described by a cache entry: its certificate and the chain certificates it kept. */
export function certificateFileFromCache(cached: CachedCertificate): CertificateFile {
  return { certificate: certificateFromCache(cached), chain: (cached.chain ?? []).map(chainCertificate) };
}

/** A problem of the fields every cached certificate, leaf or chain, has. */
function certificateFieldsProblem(record: Record<string, unknown>, where: string): string | undefined {
  for (const field of ['subject', 'issuer', 'serialNumber', 'keyType'] as const) {
    const text = record[field];
    if (typeof text !== 'string' || text.length > MAX_FIELD) return `${where}.${field} is malformed`;
  }
  for (const field of ['notBefore', 'notAfter'] as const) {
    if (!isUtcInstant(record[field])) return `${where}.${field} is not an ISO 8601 instant`;
  }
  if (typeof record.fingerprintSha256 !== 'string' || !FINGERPRINT.test(record.fingerprintSha256)) {
    return `${where}.fingerprintSha256 is malformed`;
  }
  return undefined;
}

function isTextList(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length <= MAX_ENTRIES &&
    value.every((item) => typeof item === 'string' && item.length <= MAX_FIELD)
  );
}

/** A problem of the optional fields the findings read. */
function findingFieldsProblem(record: Record<string, unknown>): string | undefined {
  for (const field of ['signatureAlgorithm', 'signatureHash'] as const) {
    const text = record[field];
    if (text !== undefined && (typeof text !== 'string' || text.length > MAX_FIELD)) {
      return `certificate.${field} is malformed`;
    }
  }
  for (const field of ['dnsNames', 'ipAddresses'] as const) {
    if (record[field] !== undefined && !isTextList(record[field])) return `certificate.${field} is malformed`;
  }
  const chain = record.chain;
  if (chain === undefined) return undefined;
  if (!Array.isArray(chain) || chain.length > MAX_ENTRIES) return 'certificate.chain is malformed';
  for (const [index, entry] of chain.entries()) {
    if (typeof entry !== 'object' || entry === null) return `certificate.chain[${index}] is malformed`;
    const problem = certificateFieldsProblem(entry as Record<string, unknown>, `certificate.chain[${index}]`);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** A short reason why `value` is not a cache entry (naming the field, never its content), else undefined. */
export function cachedCertificateProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'certificate is not an object';
  const record = value as Record<string, unknown>;
  if (record.format !== CACHE_FORMAT) return 'certificate.format is not the current cache format';
  if (typeof record.sourceVersion !== 'string' || record.sourceVersion.length > MAX_FIELD) {
    return 'certificate.sourceVersion is malformed';
  }
  return certificateFieldsProblem(record, 'certificate') ?? findingFieldsProblem(record);
}
