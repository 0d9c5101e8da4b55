/**
 * The Luna clients' part of a check (docs/clients.md, What certmonitor tells you), run after the
 * appliances: for each client of the inventory, read its certificate and trust bundle from the source,
 * decide its lines and notifications (core/clientPolicy.ts), forward them, and keep its state in
 * `_clients/{client}.json`. One client's failure is logged with `checkFailed` and never stops the others.
 */
import type { ClientPolicyInput, ClientTrustInput } from '../core/clientDecision.ts';
import { decideClient, settleClient } from '../core/clientPolicy.ts';
import type { ClientState } from '../core/clientState.ts';
import { trustOf } from '../core/clientTrust.ts';
import { evaluate } from '../core/evaluate.ts';
import { logEntry } from '../core/logEntry.ts';
import { type SignatureVerifier, webCryptoVerifier } from '../core/signatureVerifier.ts';
import { readTrustBundle, type TrustBundle } from '../core/trustBundle.ts';
import type { SourceResult } from '../core/types.ts';
import { ClientForwarding } from './clientForwarding.ts';
import type { ClientRunCounts } from './clientRunCounts.ts';
import { clientView } from './clientView.ts';
import { errorReason } from './errorReason.ts';
import { StateConflictError } from './errors.ts';
import { applianceSettings } from './evaluateAppliance.ts';
import type { GatewayTooOldTally } from './gatewayTooOldTally.ts';
import type { ClientEntry, Inventory } from './ports.ts';
import { PresentedCertificates } from './presentedCertificates.ts';
import type { RunCheckOptions } from './runCheckOptions.ts';

/**
 * What the clients' part of a run needs: the run's own inputs (a signature verifier absent, the
 * runtime's WebCrypto) and the inventory read for it.
 */
export interface CheckClientsOptions
  extends Pick<
    RunCheckOptions,
    'source' | 'state' | 'forwarder' | 'log' | 'verify' | 'settings' | 'now' | 'dryRun' | 'onClient'
  > {
  readonly inventory: Inventory | undefined;
  /** The run's tally of gateways too old for `/v2`, which the run logs once (one line per gateway and run). */
  readonly tooOld: GatewayTooOldTally;
}

/** The options with the verifier decided once for the run. */
type ClientRun = CheckClientsOptions & { readonly verify: SignatureVerifier };

/** Checks every client of the inventory, one after another (a client costs a few reads and one request). */
export async function checkClients(options: CheckClientsOptions): Promise<ClientRunCounts> {
  const clients = Object.entries(options.inventory?.clients ?? {});
  const verify = options.verify ?? webCryptoVerifier(crypto.subtle);
  const presented = new PresentedCertificates(options.source);
  const forwarding = new ClientForwarding(options.forwarder, options.log, options.dryRun === true, options.tooOld);
  let checked = 0;
  let untrusted = 0;
  let errors = 0;
  for (const [client, entry] of clients) {
    try {
      untrusted += await checkClient(client, entry, { presented, forwarding }, { ...options, verify });
      checked++;
    } catch (error) {
      // Counted with the run's errors: a client that could not be checked leaves the run incomplete.
      errors++;
      options.log.write(logEntry('checkFailed', { reason: errorReason(error) }), { client });
    }
  }
  return { clients: checked, untrusted, errors, ...forwarding.counts };
}

/** Reads a client's file; a source without clients has none. */
function fetchFile(options: CheckClientsOptions, client: string, file: 'client.pem' | 'trust.pem') {
  const fetch = options.source.fetchClientFile?.bind(options.source);
  return fetch ? fetch(client, file) : Promise.resolve<SourceResult>({ kind: 'missing' });
}

/** The bundle as the policy sees it, and its bundle certificates when it is one. */
function bundleOf(result: SourceResult): { policy: ClientPolicyInput['bundle']; bundle?: TrustBundle } {
  if (result.kind === 'missing') return { policy: { kind: 'missing' } };
  if (result.kind === 'unavailable') {
    return { policy: { kind: 'unavailable', reason: `trust bundle could not be read: ${result.reason}` } };
  }
  const bundle = readTrustBundle(result.bytes);
  return bundle.kind === 'bundle' ? { policy: { kind: 'ok' }, bundle } : { policy: bundle, bundle };
}

/** How the client stands to each appliance it lists. */
async function trustInputs(
  entry: ClientEntry,
  bundle: TrustBundle | undefined,
  presented: PresentedCertificates,
  options: ClientRun,
): Promise<ClientTrustInput[]> {
  const out: ClientTrustInput[] = [];
  for (const appliance of entry.appliances) {
    const address = options.inventory?.appliances[appliance]?.address ?? '0.0.0.0';
    const file = await presented.get(appliance);
    if (!file || bundle?.kind !== 'bundle') {
      out.push({ appliance, address });
      continue;
    }
    const verdict = await trustOf(file.certificate, bundle.certificates, options.verify, file.chain);
    out.push({ appliance, address, fingerprint: file.certificate.fingerprintSha256, verdict });
  }
  return out;
}

/** One client: evaluate, decide, forward, settle, save; resolves to how many listed appliances it does not trust. */
async function checkClient(
  client: string,
  entry: ClientEntry,
  run: { readonly presented: PresentedCertificates; readonly forwarding: ClientForwarding },
  options: ClientRun,
): Promise<number> {
  // Its inventory entry's settings, else the run's, as for an appliance.
  const settings = applianceSettings(entry, options.settings);
  const [certificate, trustFile] = await Promise.all([
    fetchFile(options, client, 'client.pem'),
    fetchFile(options, client, 'trust.pem'),
  ]);
  const evaluation = evaluate(certificate, settings.thresholdDays, options.now, settings);
  const { policy, bundle } = bundleOf(trustFile);
  const trust = await trustInputs(entry, bundle, run.presented, options);
  const loaded = (await options.state.loadClient?.(client)) ?? {};
  const previous = loaded.state;
  const decision = decideClient({ client, previous, evaluation, bundle: policy, trust, settings, now: options.now });
  for (const line of decision.logs) options.log.write(line, { client, status: evaluation.status });
  if (loaded.corrupt) options.log.write(logEntry('stateReset', { reason: loaded.corrupt }), { client });
  const delivered = await run.forwarding.send(decision.notifications, client);
  const bundleWord = policy.kind === 'ok' ? 'ok' : policy.kind;
  const view = clientView(evaluation, bundleWord, trust, settings.thresholdDays, previous);
  const next: ClientState = { ...settleClient(decision, delivered), view };
  if (!options.dryRun && JSON.stringify(next) !== JSON.stringify(previous)) {
    await save(options, client, next, loaded.version);
  }
  options.onClient?.(client, view);
  return trust.filter((t) => t.verdict?.kind === 'untrusted').length;
}

/** Saves a client's state; another run's newer record wins (its next run decides again). */
async function save(options: CheckClientsOptions, client: string, state: ClientState, version: string | undefined) {
  try {
    await options.state.saveClient?.(client, state, version);
  } catch (error) {
    if (!(error instanceof StateConflictError)) throw error;
    options.log.write(logEntry('stateConflict', { reason: 'another run updated it first' }), { client });
  }
}
