/** The one warning about certificates a listing skipped (docs/monitoring.md, Failure handling). */
import { logEntry } from '../core/logEntry.ts';
import type { CertificateSource, LogSink } from './ports.ts';

/** Logs `layoutSkipped` once when the source's last listing skipped keys that do not fit the layout. */
export function reportSkippedKeys(source: CertificateSource, log: LogSink): void {
  const skipped = source.skippedKeys?.();
  if (!skipped || skipped.count === 0) return;
  const files = skipped.examples.join(', ') + (skipped.count > skipped.examples.length ? ', …' : '');
  log.write(logEntry('layoutSkipped', { count: skipped.count, files }), { files: skipped.examples });
}
