/** What kind of action a notification is (docs/design.md, Alert policy): raising, clearing or a problem report. */
import type { NotificationEvent } from '../protocol/notification.ts';

/** The kinds of notification, in the order a decision sends them. */
export type ActionKind = 'clear' | 'trap' | 'report';

/** What kind of action a notification event is, for decisions, outcome reports and owed deliveries. */
export function actionKind(event: NotificationEvent): ActionKind {
  if (event === 'expiring' || event === 'expired') return 'trap';
  if (event === 'renewed') return 'clear';
  return 'report';
}
