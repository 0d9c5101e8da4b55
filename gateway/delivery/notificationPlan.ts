/**
 * What the original certmonitord would write and send for one notification: the syslog lines before
 * the trap, whether a trap goes out with which assert flag, and which line reports each host's outcome.
 */
import type { MessageKey } from '../../core/catalogue.ts';
import { formatOpensslDate } from '../../core/opensslDate.ts';
import type { Notification } from '../../protocol/notification.ts';

/** One catalogue line with its parameters. */
export interface PlannedLine {
  readonly key: MessageKey;
  readonly params: Readonly<Record<string, string | number>>;
}

/** The plan for one notification. */
export interface NotificationPlan {
  readonly lines: readonly PlannedLine[];
  /** Absent: syslog only. */
  readonly trap?: { readonly assert: boolean; readonly okKey: 'trapSent' | 'trapCleared' };
}

/** A wire instant as OpenSSL prints a certificate date, as the original lines do. */
export function opensslDate(iso: string | undefined): string {
  if (iso === undefined) return 'an unknown date';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? 'an unknown date' : formatOpensslDate(d);
}

const RAISE = { assert: true, okKey: 'trapSent' } as const;

/**
 * Maps a notification to lines and trap. `missing`, `invalid` and `not_yet_valid` reach syslog only,
 * unless `trapOnProblems` is set (docs/design.md, Alert policy: "no trap unless configured"); then they
 * raise (flag 1).
 */
export function planNotification(n: Notification, trapOnProblems: boolean): NotificationPlan {
  const problemTrap = trapOnProblems ? { trap: RAISE } : {};
  switch (n.event) {
    case 'expiring':
      return { lines: [{ key: 'willExpire', params: { notAfter: opensslDate(n.notAfter) } }], trap: RAISE };
    case 'expired':
      return { lines: [{ key: 'expired', params: { notAfter: opensslDate(n.notAfter) } }], trap: RAISE };
    case 'renewed':
      return {
        lines: [{ key: 'newCertificate', params: { notAfter: opensslDate(n.notAfter) } }],
        trap: { assert: false, okKey: 'trapCleared' },
      };
    case 'not_yet_valid':
      return { lines: [{ key: 'notYetValid', params: { notBefore: opensslDate(n.notBefore) } }], ...problemTrap };
    case 'missing':
      return { lines: [{ key: 'missing', params: {} }], ...problemTrap };
    case 'invalid':
      // formatMessage strips control characters and bounds the reason.
      return {
        lines: [{ key: 'invalid', params: { reason: n.reason ?? 'no parseable certificate' } }],
        ...problemTrap,
      };
  }
}
