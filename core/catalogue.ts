/**
 * The log message catalogue (docs/reference.md, Message catalogue). Texts are byte-exact: operators' SIEM rules match them,
 * including the original daemon's grammar slip "will be expire".
 */

import { sanitizeLogValue } from '../protocol/logValue.ts';

// Re-exported: every layer that writes log lines reaches the sanitiser through the catalogue.
export { MAX_PARAM_LENGTH, sanitizeLogValue } from '../protocol/logValue.ts';

/** Syslog severity words used in the lunalogs file view and for PRI computation. */
export type Severity = 'crit' | 'err' | 'warn' | 'info';

/** The word written inside the message body (`{level} : 0 : {text}`). */
export type Level = 'info' | 'warning' | 'error';

/** One catalogue entry: severity, in-line level, and a template with `{name}` placeholders. */
export interface CatalogueEntry {
  readonly sev: Severity;
  readonly level: Level;
  readonly template: string;
}

export const CATALOGUE = {
  // --- the original certmonitord's lines (docs/reference.md, Message catalogue, byte-exact) ---
  started: { sev: 'info', level: 'info', template: 'NTLS certificate expiry monitor started' },
  configured: {
    sev: 'info',
    level: 'info',
    template:
      'NTLS certificate expiry monitor is configured to send SNMP trap {D} day(s) before the NTLS certificate expires and on every {H} hour(s)',
  },
  shuttingDown: { sev: 'info', level: 'info', template: 'Shutting down NTLS certificate expiry monitor....' },
  terminated: { sev: 'info', level: 'info', template: 'NTLS certificate expiry monitor terminated' },
  willExpire: { sev: 'info', level: 'info', template: 'NTLS certificate will be expire on {notAfter}' },
  trapSent: { sev: 'info', level: 'info', template: 'NTLS certificate expiry SNMP trap sent to trap host {host}' },
  missing: { sev: 'warn', level: 'warning', template: 'NTLS certificate is missing' },
  newCertificate: {
    sev: 'info',
    level: 'info',
    template: 'New NTLS certificate detected and the expiry date of this new certificate is {notAfter}',
  },
  detachFailed: { sev: 'err', level: 'error', template: 'Failed to detach from console' },
  consoleMode: { sev: 'info', level: 'info', template: 'NTLS certificate expiry monitor running in console mode' },
  snmpV3NotConfigured: { sev: 'info', level: 'info', template: 'SNMP v3 trap is not properly configured' },
  allocFailed: { sev: 'err', level: 'error', template: 'Failed to allocate memory buffers' },
  trapFailed: {
    sev: 'err',
    level: 'error',
    template: 'Failed to send NTLS certificate expiry SNMP trap to trap host {host}',
  },
  crashDumped: { sev: 'crit', level: 'info', template: 'certmonitord CRASH AND BURN! Stack dump saved to {path}' },
  crashNoDump: { sev: 'crit', level: 'info', template: 'certmonitord CRASH AND BURN and unable to dump the stack!' },

  // --- states the original never logs, in the same style (listed in the README) ---
  valid: { sev: 'info', level: 'info', template: 'NTLS certificate is valid until {notAfter}' },
  expired: { sev: 'err', level: 'error', template: 'NTLS certificate has expired on {notAfter}' },
  notYetValid: { sev: 'warn', level: 'warning', template: 'NTLS certificate is not yet valid until {notBefore}' },
  invalid: { sev: 'err', level: 'error', template: 'NTLS certificate is invalid: {reason}' },
  unavailable: { sev: 'err', level: 'error', template: 'NTLS certificate could not be read: {reason}' },
  stateReset: {
    sev: 'warn',
    level: 'warning',
    template: 'NTLS certificate expiry monitor state was unreadable and has been reset: {reason}',
  },
  trapCleared: {
    sev: 'info',
    level: 'info',
    template: 'NTLS certificate expiry SNMP clearing trap sent to trap host {host}',
  },
  gatewayFailed: {
    sev: 'err',
    level: 'error',
    template: 'Failed to deliver NTLS certificate expiry notification to SNMP gateway {gateway}: {reason}',
  },
  gatewayFailover: {
    sev: 'warn',
    level: 'warning',
    template:
      'Failed over {count} NTLS certificate expiry notification(s) from SNMP gateway {gateway} to SNMP gateway {next}: {reason}',
  },
  requestRejected: {
    sev: 'warn',
    level: 'warning',
    template: 'Rejected NTLS certificate expiry notification request from {peer}: {reason}',
  },
  journalCompactionFailed: {
    sev: 'err',
    level: 'error',
    template: 'Failed to compact the NTLS certificate expiry notification journal: {reason}',
  },
  syslogDropped: {
    sev: 'warn',
    level: 'warning',
    template: 'Dropped {count} syslog message(s) for syslog host {sink}',
  },
  stateConflict: {
    sev: 'warn',
    level: 'warning',
    template: 'NTLS certificate expiry monitor state was changed by another run and was not updated: {reason}',
  },
  checkFailed: { sev: 'err', level: 'error', template: 'NTLS certificate check failed: {reason}' },
  trapDuplicate: {
    sev: 'info',
    level: 'info',
    template:
      'Duplicate NTLS certificate expiry notification: the SNMP gateway reports the trap to trap host {host} as sent',
  },
  trapClearedDuplicate: {
    sev: 'info',
    level: 'info',
    template:
      'Duplicate NTLS certificate expiry notification: the SNMP gateway reports the clearing trap to trap host {host} as sent',
  },
  notificationDue: {
    sev: 'info',
    level: 'info',
    template: 'NTLS certificate expiry {event} notification is due and was not sent (dry run): {id}',
  },
  inventoryProblems: {
    sev: 'err',
    level: 'error',
    template: 'NTLS certificate expiry monitor inventory is not valid and is used in part: {reason}',
  },
  trapGivenUp: {
    sev: 'err',
    level: 'error',
    template:
      'Gave up sending NTLS certificate expiry SNMP trap to trap host {host} after {days} day(s) of failures: {id}',
  },
  trapHostFailing: {
    sev: 'err',
    level: 'error',
    template: 'SNMP trap host {host} has failed to receive NTLS certificate expiry traps since {since}',
  },
  trapHostRecovered: {
    sev: 'info',
    level: 'info',
    template: 'SNMP trap host {host} receives NTLS certificate expiry traps again',
  },
  layoutSkipped: {
    sev: 'warn',
    level: 'warning',
    template: 'Skipped {count} certificate file(s) that do not fit the fleet layout APPLIANCE/server.pem: {files}',
  },

  // --- beyond one date of one certificate (docs/reference.md, Message catalogue): the NTLS lines above
  // stay Luna's; these name what they are about, so no rule written for the NTLS lines matches them ---
  certificateValid: {
    sev: 'info',
    level: 'info',
    template: '{certificate} certificate of {appliance} is valid until {notAfter}',
  },
  certificateWillExpire: {
    sev: 'info',
    level: 'info',
    template: '{certificate} certificate of {appliance} will expire on {notAfter}',
  },
  certificateExpired: {
    sev: 'err',
    level: 'error',
    template: '{certificate} certificate of {appliance} has expired on {notAfter}',
  },
  certificateNotYetValid: {
    sev: 'warn',
    level: 'warning',
    template: '{certificate} certificate of {appliance} is not yet valid until {notBefore}',
  },
  certificateMissing: {
    sev: 'warn',
    level: 'warning',
    template: '{certificate} certificate of {appliance} is missing',
  },
  certificateInvalid: {
    sev: 'err',
    level: 'error',
    template: '{certificate} certificate of {appliance} is invalid: {reason}',
  },
  certificateUnavailable: {
    sev: 'err',
    level: 'error',
    template: '{certificate} certificate of {appliance} could not be read: {reason}',
  },
  certificateNew: {
    sev: 'info',
    level: 'info',
    template:
      'New {certificate} certificate of {appliance} detected and the expiry date of this new certificate is {notAfter}',
  },
  clientValid: { sev: 'info', level: 'info', template: 'Client certificate of {client} is valid until {notAfter}' },
  clientWillExpire: {
    sev: 'info',
    level: 'info',
    template: 'Client certificate of {client} will expire on {notAfter}',
  },
  clientExpired: { sev: 'err', level: 'error', template: 'Client certificate of {client} has expired on {notAfter}' },
  clientNotYetValid: {
    sev: 'warn',
    level: 'warning',
    template: 'Client certificate of {client} is not yet valid until {notBefore}',
  },
  clientMissing: { sev: 'warn', level: 'warning', template: 'Client certificate of {client} is missing' },
  clientInvalid: { sev: 'err', level: 'error', template: 'Client certificate of {client} is invalid: {reason}' },
  clientUnavailable: {
    sev: 'err',
    level: 'error',
    template: 'Client certificate of {client} could not be read: {reason}',
  },
  clientNew: {
    sev: 'info',
    level: 'info',
    template: 'New client certificate of {client} detected and the expiry date of this new certificate is {notAfter}',
  },
  replaced: {
    sev: 'warn',
    level: 'warning',
    template:
      '{certificate} certificate of {appliance} was replaced {days} day(s) before its expiry threshold (fingerprint {previous} replaced by {fingerprint}): clients must register the new certificate',
  },
  untrusted: {
    sev: 'err',
    level: 'error',
    template:
      'Client {client} does not trust the NTLS certificate that {appliance} presents (fingerprint {fingerprint}): it cannot connect until that certificate is registered again',
  },
  trusted: {
    sev: 'info',
    level: 'info',
    template: 'Client {client} trusts the NTLS certificate that {appliance} presents (fingerprint {fingerprint}) again',
  },
  trustUnverifiable: {
    sev: 'warn',
    level: 'warning',
    template:
      'Client {client} trust in the NTLS certificate that {appliance} presents (fingerprint {fingerprint}) cannot be verified: {reason}',
  },
  finding: {
    sev: 'warn',
    level: 'warning',
    template: '{certificate} certificate of {appliance} has policy finding {finding}: {detail}',
  },
  findingCleared: {
    sev: 'info',
    level: 'info',
    template: '{certificate} certificate of {appliance} no longer has policy finding {finding}',
  },
  eventTrapSent: {
    sev: 'info',
    level: 'info',
    template: 'Certificate {kind} SNMP trap sent to trap host {host}',
  },
  eventTrapFailed: {
    sev: 'err',
    level: 'error',
    template: 'Failed to send certificate {kind} SNMP trap to trap host {host}',
  },
  gatewayTooOld: {
    sev: 'err',
    level: 'error',
    template:
      'SNMP gateway {gateway} does not accept {count} certificate notification(s) of the newer kinds (it has no /v2/notifications): upgrade the gateway',
  },

  // --- the collector (`certmonitor collect`), one line per appliance per run, in the same style ---
  collectChanged: {
    sev: 'info',
    level: 'info',
    template: 'NTLS certificate collected from {peer} has changed and was published to {destination}',
  },
  collectUnchanged: { sev: 'info', level: 'info', template: 'NTLS certificate collected from {peer} is unchanged' },
  collectDryRun: {
    sev: 'info',
    level: 'info',
    template: 'NTLS certificate collected from {peer} has changed and was not published (dry run)',
  },
  collectFailed: { sev: 'err', level: 'error', template: 'Failed to collect NTLS certificate from {peer}: {reason}' },
  publishFailed: {
    sev: 'err',
    level: 'error',
    template: 'Failed to publish NTLS certificate collected from {peer} to {destination}: {reason}',
  },
  collectSkipped: { sev: 'warn', level: 'warning', template: 'Skipped collecting NTLS certificate: {reason}' },
  collectAborted: { sev: 'err', level: 'error', template: 'NTLS certificate collection failed: {reason}' },
  // a named certificate of an appliance (docs/reference.md, Named certificates), one line each per run
  certificateCollectChanged: {
    sev: 'info',
    level: 'info',
    template: '{certificate} certificate collected from {peer} has changed and was published to {destination}',
  },
  certificateCollectUnchanged: {
    sev: 'info',
    level: 'info',
    template: '{certificate} certificate collected from {peer} is unchanged',
  },
  certificateCollectDryRun: {
    sev: 'info',
    level: 'info',
    template: '{certificate} certificate collected from {peer} has changed and was not published (dry run)',
  },
  certificateCollectFailed: {
    sev: 'err',
    level: 'error',
    template: 'Failed to collect {certificate} certificate from {peer}: {reason}',
  },
  certificatePublishFailed: {
    sev: 'err',
    level: 'error',
    template: 'Failed to publish {certificate} certificate collected from {peer} to {destination}: {reason}',
  },
  // one line per run for the inventory the collector publishes beside the certificates
  inventoryPublished: {
    sev: 'info',
    level: 'info',
    template: 'NTLS certificate expiry monitor inventory has changed and was published to {destination}',
  },
  inventoryUnchanged: {
    sev: 'info',
    level: 'info',
    template: 'NTLS certificate expiry monitor inventory is unchanged at {destination}',
  },
  inventoryDryRun: {
    sev: 'info',
    level: 'info',
    template: 'NTLS certificate expiry monitor inventory has changed and was not published to {destination} (dry run)',
  },
  inventoryPublishFailed: {
    sev: 'err',
    level: 'error',
    template: 'Failed to publish NTLS certificate expiry monitor inventory to {destination}: {reason}',
  },
} as const satisfies Record<string, CatalogueEntry>;

/** Names of every catalogue message. */
export type MessageKey = keyof typeof CATALOGUE;

/** Renders a catalogue message; every parameter passes through {@link sanitizeLogValue}. */
export function formatMessage(key: MessageKey, params: Readonly<Record<string, string | number>> = {}): string {
  return CATALOGUE[key].template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? sanitizeLogValue(params[name]) : whole,
  );
}
