/**
 * The certificate fields kept in an appliance's state, keyed by the source's object version, and their
 * way back into a {@link Certificate}. An S3 ETag changes whenever the object's bytes change, so an equal
 * ETag means the same certificate: the steady-state run then costs one state read per appliance instead
 * of a state read plus a certificate read.
 */
import { isUtcInstant } from '../protocol/isoInstant.ts';
import type { CachedCertificate, Certificate } from './types.ts';

const FINGERPRINT = /^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/;
const MAX_FIELD = 1024;

/**
 * The cache's format. Raise it whenever reading a certificate changes what these fields hold (a parser
 * fix, a new key type name): every cached entry is then read afresh once, instead of keeping old answers
 * for as long as the object is unchanged. 2: subjects and issuers name every X.520 attribute type OpenSSL
 * names (telephoneNumber, postOfficeBox, …) where format 1 held dotted OIDs.
 */
export const CACHE_FORMAT = 2;

/**
 * The fields of `certificate` worth caching, under the source version it was read at; undefined when a
 * field is too long to cache (such a certificate is simply fetched every run).
 */
export function cacheCertificate(certificate: Certificate, sourceVersion: string): CachedCertificate | undefined {
  const cached: CachedCertificate = {
    format: CACHE_FORMAT,
    sourceVersion,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    subject: certificate.subject,
    issuer: certificate.issuer,
    serialNumber: certificate.serialNumber,
    keyType: certificate.keyType,
    fingerprintSha256: certificate.fingerprintSha256,
  };
  return cachedCertificateProblem(cached) === undefined ? cached : undefined;
}

/** The cache entry if it can be trusted (right format, well formed), else undefined: then the certificate is read. */
export function usableCache(value: CachedCertificate | undefined): CachedCertificate | undefined {
  return value !== undefined && cachedCertificateProblem(value) === undefined ? value : undefined;
}

/** The certificate described by a cache entry (without its DER, which nothing downstream reads). */
export function certificateFromCache(cached: CachedCertificate): Certificate {
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

/** A short reason why `value` is not a cache entry (naming the field, never its content), else undefined. */
export function cachedCertificateProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'certificate is not an object';
  const record = value as Record<string, unknown>;
  if (record.format !== CACHE_FORMAT) return 'certificate.format is not the current cache format';
  for (const field of ['sourceVersion', 'subject', 'issuer', 'serialNumber', 'keyType'] as const) {
    const text = record[field];
    if (typeof text !== 'string' || text.length > MAX_FIELD) return `certificate.${field} is malformed`;
  }
  for (const field of ['notBefore', 'notAfter'] as const) {
    const text = record[field];
    if (!isUtcInstant(text)) {
      return `certificate.${field} is not an ISO 8601 instant`;
    }
  }
  if (typeof record.fingerprintSha256 !== 'string' || !FINGERPRINT.test(record.fingerprintSha256)) {
    return 'certificate.fingerprintSha256 is malformed';
  }
  return undefined;
}
