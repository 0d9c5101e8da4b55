/** Maps an evaluation to the catalogue message that describes it (docs/reference.md, Message catalogue). */
import type { MessageKey } from './catalogue.ts';
import { formatOpensslDate } from './opensslDate.ts';
import type { Evaluation } from './types.ts';

/** A catalogue key with the parameters its template needs. */
export interface StatusLogEntry {
  readonly key: MessageKey;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * The catalogue line for an evaluation's status: expiring says when the certificate "will be expire" (the
 * original daemon's line, which SIEM rules treat as the warning), valid says until when it is valid, and
 * expired / not yet valid / missing / invalid / unavailable have their own.
 */
export function statusLogEntry(evaluation: Evaluation): StatusLogEntry {
  const cert = evaluation.certificate;
  switch (evaluation.status) {
    case 'valid':
      return { key: 'valid', params: { notAfter: cert ? formatOpensslDate(cert.notAfter) : '' } };
    case 'expiring':
      return { key: 'willExpire', params: { notAfter: cert ? formatOpensslDate(cert.notAfter) : '' } };
    case 'expired':
      return { key: 'expired', params: { notAfter: cert ? formatOpensslDate(cert.notAfter) : '' } };
    case 'not_yet_valid':
      return { key: 'notYetValid', params: { notBefore: cert ? formatOpensslDate(cert.notBefore) : '' } };
    case 'missing':
      return { key: 'missing', params: {} };
    case 'invalid':
      return { key: 'invalid', params: { reason: evaluation.error ?? 'unreadable certificate' } };
    case 'unavailable':
      return { key: 'unavailable', params: { reason: evaluation.error ?? 'source unavailable' } };
  }
}
