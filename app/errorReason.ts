/** Why an appliance could not be processed, in words safe to log. */
import { CertmonitorError } from '../core/errors.ts';
import { failureReason } from './failureReason.ts';

/**
 * A short reason for an appliance's failure. Our own errors carry messages written to be safe to log
 * (here with their class name); any other error shows only its class name, never its message (which
 * could carry file content), as {@link failureReason} words it.
 */
export function errorReason(error: unknown): string {
  if (error instanceof CertmonitorError) return `${error.name}: ${error.message}`;
  return failureReason(error);
}
