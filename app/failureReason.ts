/** How the collector words an error in its lines: certmonitor's own words, never a peer's or a service's text. */
import { CertmonitorError, errorLabel } from '../core/errors.ts';

/** A short reason for a failure: our errors' messages, otherwise only a class name. */
export function failureReason(error: unknown): string {
  if (error instanceof CertmonitorError) return error.message;
  const label = errorLabel(error);
  return label?.endsWith('Error') ? label : 'unexpected error';
}
