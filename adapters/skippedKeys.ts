/**
 * Keys at a source that look like certificates but do not fit the fleet layout (`…/server.crt`, a name
 * with a space, a nested folder): a listing skips them, and the run names them in one warning (docs/monitoring.md, Failure
 * handling) instead of letting them vanish. Only the first few are kept, sanitized and bounded:
 * they are names an operator chose, shown so they can be found, never written verbatim.
 */
import type { SkippedKeys } from '../app/ports.ts';
import { sanitizeLogValue } from '../core/catalogue.ts';

/** How many skipped keys a warning names (all are counted). */
export const MAX_SKIPPED_EXAMPLES = 10;
/** Longest skipped key shown. */
const MAX_KEY_LENGTH = 80;

/** What a certificate file is usually called: `.pem`, `.crt`, `.cer`, `.der`. */
const CERTIFICATE_NAME = /\.(pem|crt|cer|der)$/i;
/** The appliance's certificate under another extension or case (`server.crt`, `SERVER.PEM`). */
const SERVER_CERTIFICATE = /^server\.(pem|crt|cer|der)$/i;

/**
 * True when `key` (relative to the location, `/`-separated), which does not fit `{appliance}/server.pem`,
 * still looks like an appliance's certificate that was meant to: a `server.*` certificate file anywhere
 * (wrong extension, an invalid or nested folder name), or a certificate file right at the location
 * (`hsm01.pem`). Other files beside a `server.pem` (a `chain.pem`, a `ca.crt`) are not reported.
 */
export function isMisplacedCertificate(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const file = key.slice(slash + 1);
  return slash === -1 ? CERTIFICATE_NAME.test(file) : SERVER_CERTIFICATE.test(file);
}

/** Collects one listing's skipped keys: a count and the first {@link MAX_SKIPPED_EXAMPLES}. */
export class SkippedKeyCollector {
  private count = 0;
  private examples: string[] = [];

  /** Starts a new listing. */
  reset(): void {
    this.count = 0;
    this.examples = [];
  }

  /** Records `key` (relative to the source's location) when it is a misplaced certificate. */
  consider(key: string): void {
    if (isMisplacedCertificate(key)) this.add(key);
  }

  /** Records one skipped key, relative to the source's location. */
  add(key: string): void {
    this.count++;
    if (this.examples.length < MAX_SKIPPED_EXAMPLES) this.examples.push(sanitizeLogValue(key, MAX_KEY_LENGTH));
  }

  /** What was collected since the last reset. */
  snapshot(): SkippedKeys {
    return { count: this.count, examples: [...this.examples] };
  }
}
