/**
 * The view an appliance's run ends with (what the fleet report shows; docs/design.md, State): saved with its
 * state and handed to the caller, so a run's report needs no second read of the state.
 */
import {
  applianceView,
  lastNotificationAfter,
  rememberedNotification,
  usableView,
  viewLevels,
} from '../core/applianceView.ts';
import type { DeliveryOutcome } from '../core/policy.ts';
import type { ApplianceState, ApplianceView } from '../core/types.ts';
import type { NotificationEvent } from '../protocol/notification.ts';
import { fitsV1 } from '../protocol/notificationV2.ts';
import type { DecidedAppliance } from './decidedAppliance.ts';
import { optional } from './optional.ts';
import type { InventoryEntry } from './ports.ts';

/** The appliance's view after this run, over the record `previous` it is saved onto. */
export function settledView(
  decided: DecidedAppliance,
  delivered: ReadonlyMap<string, DeliveryOutcome>,
  previous: ApplianceState | undefined,
): ApplianceView {
  const { input, decision, fields, entry } = decided;
  // The view remembers the NTLS certificate's notifications (what `/v1` carries) only.
  const events = decision.notifications
    .filter((n) => delivered.has(n.id) && fitsV1(n))
    .map((n) => n.event as NotificationEvent);
  return applianceView(fields, {
    thresholdDays: input.settings.thresholdDays,
    levels: viewLevels(input.settings),
    ...(entry?.labels ? { labels: entry.labels } : {}),
    ...optional('previous', usableView(previous?.view)),
    ...optional('lastNotification', lastNotificationAfter(events, decision.observedAt, previous)),
  });
}

/** The view of an appliance whose processing failed: what was evaluated, over its last record. */
export function failedView(
  shown: Parameters<typeof applianceView>[0],
  entry: InventoryEntry | undefined,
  thresholdDays: number,
  previous: ApplianceState | undefined,
): ApplianceView {
  return applianceView(shown, {
    thresholdDays: entry?.thresholdDays ?? thresholdDays,
    ...(entry?.labels ? { labels: entry.labels } : {}),
    ...optional('previous', usableView(previous?.view)),
    ...optional('lastNotification', previous && rememberedNotification(previous)),
  });
}
