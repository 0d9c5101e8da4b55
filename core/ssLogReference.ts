/**
 * The text of the `ssLogReference` varbind (SAFENET-APPLIANCE-MIB) the appliance sends with its
 * certificate-expiry trap (docs/design.md, SNMP notification). Existing trap receivers parse it, so the layout is fixed.
 */
import { formatLunaTimestamp } from './opensslDate.ts';

/** What one ssLogReference describes. */
export interface SsLogReferenceInput {
  readonly appliance: string;
  /** Appliance address from the inventory; `0.0.0.0` when unknown. */
  readonly address?: string;
  /** The instant the reference points at in the logs. */
  readonly time: Date;
  readonly pid: number;
  /** True raises the alert (flag `1`), false clears it (flag `0`). */
  readonly assert: boolean;
}

/** `[{appliance}:{address} / lunalogs / {%Y %b %e %H:%M:%S} / certmonitord[{pid}] / {1|0}]` */
export function formatSsLogReference(input: SsLogReferenceInput): string {
  const address = input.address && input.address !== '' ? input.address : '0.0.0.0';
  return `[${input.appliance}:${address} / lunalogs / ${formatLunaTimestamp(input.time)} / certmonitord[${input.pid}] / ${input.assert ? 1 : 0}]`;
}
