/**
 * One appliance's certificate for a run (docs/design.md, The scheduled Lambda): when the listing carries
 * object versions (S3 ETags) and the state holds the certificate read at that version, the certificate is
 * not fetched again and its evaluation is rebuilt from the cached fields, so a steady run costs one state
 * read per appliance.
 */
import { cacheCertificate, certificateFromCache, usableCache } from '../core/certificateCache.ts';
import { evaluate, evaluateCertificateFile } from '../core/evaluate.ts';
import type { ExpiryLevels } from '../core/expiryLevels.ts';
import type { ApplianceState, CachedCertificate, Evaluation, SourceResult } from '../core/types.ts';
import type { CertificateSource, ListedAppliance } from './ports.ts';

/** The evaluation of one appliance and the certificate cache to keep. */
export interface ReadCertificate {
  readonly evaluation: Evaluation;
  readonly cache: CachedCertificate | undefined;
}

/** Rebuilt from the state when the listing shows the object unchanged, else fetched and read. */
export async function readCertificate(
  source: CertificateSource,
  listed: ListedAppliance,
  previous: ApplianceState | undefined,
  threshold: { readonly thresholdDays: number; readonly now: Date; readonly levels?: ExpiryLevels },
): Promise<ReadCertificate> {
  const { thresholdDays, now, levels = {} } = threshold;
  const cached = usableCache(previous?.certificate);
  if (listed.version !== undefined && cached?.sourceVersion === listed.version) {
    const file = { certificate: certificateFromCache(cached), chain: [] };
    return { evaluation: evaluateCertificateFile(file, thresholdDays, now, levels), cache: cached };
  }
  const result = await source.fetch(listed.name).catch(
    // The port says sources never throw; one that does is treated as an unreadable source.
    (): SourceResult => ({ kind: 'unavailable', reason: 'the certificate source failed' }),
  );
  const evaluation = evaluate(result, thresholdDays, now, levels);
  // An unreadable source says nothing about the certificate: the cache stays as it was.
  if (result.kind === 'unavailable') return { evaluation, cache: cached };
  const version = result.kind === 'found' ? result.version : undefined;
  const cache = evaluation.certificate && version ? cacheCertificate(evaluation.certificate, version) : undefined;
  return { evaluation, cache };
}
