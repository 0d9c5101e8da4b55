/** The fields every line about an appliance carries, so a log query needs no join (docs/design.md, The scheduled Lambda). */
import type { EvaluationFields } from '../core/evaluationFields.ts';

/** The status, and when the certificate was read, its notAfter and days remaining. */
export function applianceContext(fields: EvaluationFields): Readonly<Record<string, unknown>> {
  return {
    status: fields.status,
    ...(fields.notAfter !== undefined ? { notAfter: fields.notAfter } : {}),
    ...(fields.daysRemaining !== undefined ? { daysRemaining: fields.daysRemaining } : {}),
  };
}
