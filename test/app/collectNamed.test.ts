/**
 * Collecting named certificates against real peers: an `openssl s_server -Verify 1` NTLS appliance and a
 * plain TLS one (no client certificate asked, as an appliance's web server on 8443) on a second port,
 * published into a directory beside server.pem.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DirDestination } from '../../adapters/dir/dirDestination.ts';
import { createCaptureContext, NtlsCapture } from '../../adapters/tls/ntlsCapture.ts';
import { type CollectResult, collectFleet } from '../../app/collectFleet.ts';
import type { Inventory } from '../../app/ports.ts';
import { pemCertificates } from '../../core/pemCertificates.ts';
import type { LogEntry } from '../../core/types.ts';
import {
  type CertificateFactory,
  certificateFactory,
  type IssuedCertificate,
  type RunningAppliance,
  startOpensslAppliance,
} from '../helpers/ntlsAppliance.ts';
import { closedPort } from '../helpers/oddPeers.ts';

let factory: CertificateFactory;
let ntls: RunningAppliance;
let web: RunningAppliance;
let webCert: IssuedCertificate;
let ntlsCert: IssuedCertificate;
let out: string;

before(async () => {
  factory = certificateFactory();
  ntlsCert = factory.selfSigned('hsm01', 'p256');
  webCert = factory.selfSigned('hsm01-web', 'rsa', { cn: 'hsm01.example.net' });
  ntls = await startOpensslAppliance({ certificate: ntlsCert });
  web = await startOpensslAppliance({ certificate: webCert, requireClientCertificate: false });
  out = mkdtempSync(join(tmpdir(), 'certmonitor-collect-named-'));
});
after(async () => {
  await ntls?.stop();
  await web?.stop();
  factory?.remove();
  rmSync(out, { recursive: true, force: true });
});

async function collect(inventory: Inventory) {
  const lines: LogEntry[] = [];
  const results: CollectResult[] = [];
  const summary = await collectFleet({
    inventory,
    capture: new NtlsCapture(createCaptureContext()),
    destination: new DirDestination(out),
    log: { write: (e) => void lines.push(e) },
    concurrency: 2,
    timeoutMs: 3_000,
    dryRun: false,
    onResult: (r) => void results.push(r),
  });
  return { lines, results, summary };
}

const der = (pem: string | Buffer) => Buffer.from(pemCertificates(new Uint8Array(Buffer.from(pem)))[0] ?? []);

test('a named certificate is read from its own port without a client certificate and published beside server.pem', async () => {
  const entry = { address: '127.0.0.1', ntlsPort: ntls.port, certificates: { web: { port: web.port } } };
  const first = await collect({ appliances: { hsm01: entry } });
  assert.deepEqual(der(readFileSync(join(out, 'hsm01', 'server.pem'))), der(ntlsCert.pem));
  assert.deepEqual(der(readFileSync(join(out, 'hsm01', 'web.pem'))), der(webCert.pem));
  const [result] = first.results;
  assert.equal(result?.result, 'changed');
  assert.deepEqual(
    result?.named?.map((n) => [n.certificate, n.result, n.peer, n.published]),
    [['web', 'changed', `127.0.0.1:${web.port}`, true]],
  );
  assert.deepEqual(first.summary.named, { collected: 1, failed: 0 });
  assert.ok(
    first.lines.some((l) => l.text.startsWith(`web certificate collected from 127.0.0.1:${web.port} has changed`)),
  );
  const again = await collect({ appliances: { hsm01: entry } });
  assert.equal(again.results[0]?.named?.[0]?.result, 'unchanged');
  assert.ok(again.lines.some((l) => l.key === 'certificateCollectUnchanged'));
});

test('a named certificate that cannot be read fails alone and never clobbers what is stored', async () => {
  const port = await closedPort();
  const entry = { address: '127.0.0.1', ntlsPort: ntls.port, certificates: { web: { port } } };
  const run = await collect({ appliances: { hsm01: entry } });
  assert.equal(run.results[0]?.result, 'unchanged', 'the NTLS certificate is collected as ever');
  assert.equal(run.results[0]?.named?.[0]?.result, 'failed');
  assert.deepEqual(run.summary.named, { collected: 0, failed: 1 });
  assert.match(
    run.lines.find((l) => l.key === 'certificateCollectFailed')?.text ?? '',
    /^Failed to collect web certificate from 127\.0\.0\.1:/,
  );
  assert.deepEqual(der(readFileSync(join(out, 'hsm01', 'web.pem'))), der(webCert.pem));
  // Without named certificates, results and summary are what they always were.
  const plain = await collect({ appliances: { hsm01: { address: '127.0.0.1', ntlsPort: ntls.port } } });
  assert.equal(plain.results[0]?.named, undefined);
  assert.equal(plain.summary.named, undefined);
});
