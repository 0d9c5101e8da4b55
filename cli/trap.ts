/**
 * `certmonitor trap test --config FILE`: sends one test notification (clearing flag 0, so no alarm
 * is left raised) to every configured trap host and prints the outcome per host. It opens SNMP sessions
 * of its own, so it checks the configuration and the path to each receiver, not the sessions of a
 * running gateway; its output says so (docs/gateway.md, Failure handling).
 */
import { hostname } from 'node:os';
import { formatSsLogReference } from '../core/ssLogReference.ts';
import { SnmpTrapSender } from '../gateway/snmp/snmpTrapSender.ts';
import { loadConfigOrUsageError } from './gateway.ts';

/** Sends the test notification to every trap host; resolves to 0 when every host succeeded, else 1. */
export async function runTrapTest(file: string): Promise<number> {
  const config = loadConfigOrUsageError(file);
  const sender = new SnmpTrapSender(config.trapHosts, config.snmp.notificationOid);
  const appliance = config.hostname.replace(/[^A-Za-z0-9._-]/g, '-') || hostname();
  const reference = formatSsLogReference({
    appliance,
    address: '0.0.0.0',
    time: new Date(),
    pid: process.pid,
    assert: false,
  });
  let failures = 0;
  try {
    for (const h of config.trapHosts) {
      if (h.problem !== undefined) {
        failures++;
        process.stdout.write(`FAILED  ${h.label}  v${h.version} ${h.type}: not properly configured (${h.problem})\n`);
        continue;
      }
      const r = await sender.send(h.label, { reference });
      if (!r.ok) failures++;
      process.stdout.write(
        r.ok
          ? `ok      ${h.label}  v${h.version} ${h.type}${h.type === 'trap' ? ' (sent; traps are not acknowledged)' : ' (acknowledged)'}\n`
          : `FAILED  ${h.label}  v${h.version} ${h.type}: ${r.error}\n`,
      );
    }
  } finally {
    sender.close();
  }
  if (config.trapHosts.length === 0) {
    process.stdout.write('no trap hosts configured\n');
    return 1;
  }
  process.stdout.write(
    'note: sent from new SNMP sessions of this command, not through a running gateway (see docs/gateway.md, Failure handling)\n',
  );
  return failures === 0 ? 0 : 1;
}
