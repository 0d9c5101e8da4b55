/** Why an appliance could not be processed, in words safe to log. */
import { CertmonitorError, errorLabel } from '../core/errors.ts';

/**
 * A short reason for an appliance's failure. Our own errors carry messages written to be safe to log;
 * any other error shows only its class name, never its message (which could carry file content).
 */
export function errorReason(error: unknown): string {
  if (error instanceof CertmonitorError) return `${error.name}: ${error.message}`;
  const label = errorLabel(error);
  return label?.endsWith('Error') ? label : 'unexpected error';
}
