/** What kind of action a notification is (docs/design.md, Alert policy): raising, clearing or a problem report. */
import type { NotificationEventV2 } from '../protocol/notificationV2.ts';

/**
 * The kinds of notification, in the order a decision sends them; `replaced` is an unplanned replacement
 * (docs/reference.md, Replaced certificates).
 */
export type ActionKind = 'clear' | 'trap' | 'report' | 'replaced';

/** What kind of action a notification event is, for decisions, outcome reports and owed deliveries. */
export function actionKind(event: NotificationEventV2): ActionKind {
  if (event === 'expiring' || event === 'expired') return 'trap';
  if (event === 'renewed') return 'clear';
  if (event === 'replaced') return 'replaced';
  return 'report';
}
