/**
 * `tls:FLEET.json`: the check reading certificates live from `openssl s_server` appliances. An appliance
 * that cannot be read is `unavailable`, never `missing`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSource } from '../../../adapters/createSource.ts';
import { dirStateLocation } from '../../../adapters/createStateStore.ts';
import { createCaptureContext, NtlsCapture } from '../../../adapters/tls/ntlsCapture.ts';
import { TlsSource } from '../../../adapters/tls/tlsSource.ts';
import { ConfigError } from '../../../app/errors.ts';
import type { ApplianceOutcome } from '../../../app/ports.ts';
import { runCheck } from '../../../app/runCheck.ts';
import { pemCertificates } from '../../../core/pemCertificates.ts';
import {
  type CertificateFactory,
  certificateFactory,
  type IssuedCertificate,
  type RunningAppliance,
  startOpensslAppliance,
} from '../../helpers/ntlsAppliance.ts';
import { closedPort, type OddPeer, startSilentPeer } from '../../helpers/oddPeers.ts';

describe('TlsSource against openssl s_server appliances', () => {
  let dir: string;
  let certs: CertificateFactory;
  let certificate: IssuedCertificate;
  let appliance: RunningAppliance;
  let silent: OddPeer;
  let fleetFile: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'certmonitor-tlssource-'));
    certs = certificateFactory();
    certificate = certs.selfSigned('hsm-up', 'p256', { days: 10 });
    appliance = await startOpensslAppliance({ certificate, tls: '1.3' });
    silent = await startSilentPeer();
    fleetFile = join(dir, 'fleet.json');
    writeFileSync(
      fleetFile,
      JSON.stringify({
        appliances: {
          'hsm-up': { address: '127.0.0.1', ntlsPort: appliance.port },
          'hsm-down': { address: '127.0.0.1', ntlsPort: await closedPort() },
          'hsm-silent': { address: '127.0.0.1', ntlsPort: silent.port },
          'hsm-noaddress': { labels: { site: 'fra' } },
        },
      }),
    );
  });
  after(async () => {
    await appliance?.stop();
    await silent?.stop();
    certs?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the inventory and fetches what each appliance presents', async () => {
    const source = await createSource(`tls:${fleetFile}`);
    assert.ok(source instanceof TlsSource);
    const names: string[] = [];
    for await (const listed of source.list()) names.push(listed.name);
    assert.deepEqual(names, ['hsm-down', 'hsm-noaddress', 'hsm-silent', 'hsm-up']);
    const up = await source.fetch('hsm-up');
    assert.equal(up.kind, 'found');
    assert.deepEqual(up.kind === 'found' && pemCertificates(up.bytes), [certificate.der]);
    assert.deepEqual(await source.fetch('hsm-down'), {
      kind: 'unavailable',
      reason: 'connection refused (ECONNREFUSED)',
    });
    assert.deepEqual(await source.fetch('hsm-noaddress'), {
      kind: 'unavailable',
      reason: 'the inventory gives no address for it',
    });
  });

  it('a check evaluates them live: unreadable appliances are unavailable, never missing', async () => {
    // A short per-appliance deadline, so the silent appliance costs half a second.
    const source = new TlsSource(fleetFile, new NtlsCapture(createCaptureContext()), 500);
    const outcomes: ApplianceOutcome[] = [];
    const summary = await runCheck({
      source,
      state: dirStateLocation(join(dir, 'state')),
      log: { write() {} },
      settings: { thresholdDays: 30, repeatHours: 24 },
      now: new Date(),
      onOutcome: (o) => outcomes.push(o),
    });
    const statuses = Object.fromEntries(outcomes.map((o) => [o.appliance, o.status]));
    assert.deepEqual(statuses, {
      'hsm-up': 'expiring',
      'hsm-down': 'unavailable',
      'hsm-silent': 'unavailable',
      'hsm-noaddress': 'unavailable',
    });
    assert.equal(summary.byStatus.missing, 0);
    assert.match(String(outcomes.find((o) => o.appliance === 'hsm-silent')?.error), /timeout/);
  });

  it('a tls: location whose inventory file does not exist is a configuration error', async () => {
    await assert.rejects(createSource(`tls:${join(dir, 'nope.json')}`), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.message, 'CERTMONITOR_SOURCE (--source): the tls: inventory file was not found');
      return true;
    });
  });
});
