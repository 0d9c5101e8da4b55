/**
 * The Luna clients of a report rebuilt from a state location alone (`certmonitor report`; docs/clients.md,
 * In the report and the metrics): each client's record gives the view its last run stored. A record that
 * cannot be read is left out; none at all means the fleet has no clients, and the report stays as it was.
 */
import type { ClientView } from '../core/clientState.ts';
import type { StateStore } from './ports.ts';

/** Every stored client's view. */
export async function storedClientViews(state: StateStore): Promise<Map<string, ClientView>> {
  const views = new Map<string, ClientView>();
  if (!state.listClients || !state.loadClient) return views;
  for await (const client of state.listClients()) {
    try {
      const view = (await state.loadClient(client)).state?.view;
      if (view) views.set(client, view);
    } catch {
      // An unreadable client record costs that client's row only.
    }
  }
  return views;
}
