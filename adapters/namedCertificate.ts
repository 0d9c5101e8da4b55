/** The one check every source makes of a named certificate before it becomes part of a path or key. */
import { isCertificateName } from '../protocol/notificationV2.ts';

/** True for the NTLS certificate (no name) and for a name of the inventory's rule (docs/reference.md, Named certificates). */
export function isNamed(certificate: string | undefined): boolean {
  return certificate === undefined || isCertificateName(certificate);
}
