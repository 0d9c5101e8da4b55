/**
 * A small demonstration fleet in a directory (`dir:` layout, docs/reference.md, Configuration), relative to an evaluation instant:
 * one appliance per status worth seeing, an inventory with addresses and a per-appliance threshold, and
 * one appliance discovered by listing only. Used by `certmonitor demo`, the tests and the benchmarks.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Status } from '../core/types.ts';
import { type DemoKeys, makeCertificatePem, makeDemoKeys } from './demoCertificate.ts';

const DAY = 86_400_000;

/** One appliance of the demo fleet and the status it has at the fleet's instant with default settings. */
export interface DemoAppliance {
  readonly name: string;
  readonly expected: Status;
  /** True when it appears in `fleet.json`. */
  readonly inInventory: boolean;
  readonly address?: string;
}

/** The demo fleet's appliances, in name order. */
export const DEMO_APPLIANCES: readonly DemoAppliance[] = [
  { name: 'hsm-ams-01', expected: 'expired', inInventory: true, address: '10.20.0.11' },
  { name: 'hsm-ams-02', expected: 'missing', inInventory: true, address: '10.20.0.12' },
  { name: 'hsm-fra-01', expected: 'valid', inInventory: true, address: '10.10.0.11' },
  { name: 'hsm-fra-02', expected: 'expiring', inInventory: true, address: '10.10.0.12' },
  { name: 'hsm-lon-01', expected: 'invalid', inInventory: true, address: '10.30.0.11' },
  { name: 'hsm-lon-02', expected: 'expiring', inInventory: true, address: '10.30.0.12' },
  { name: 'hsm-par-01', expected: 'valid', inInventory: false },
];

/**
 * Writes the demo fleet under `dir` as of `now` and returns its appliances. hsm-lon-02's certificate has
 * 40 days left: valid by the default 30-day threshold, expiring by its inventory override of 45.
 */
export async function makeDemoFleet(dir: string, now: Date, keys: DemoKeys = makeDemoKeys()): Promise<DemoAppliance[]> {
  const t = now.getTime();
  const validity: Record<string, [number, number]> = {
    'hsm-ams-01': [-365, -3],
    'hsm-fra-01': [-30, 300],
    'hsm-fra-02': [-350, 12],
    'hsm-lon-02': [-300, 40],
    'hsm-par-01': [-10, 700],
  };
  for (const [name, [from, to]] of Object.entries(validity)) {
    await mkdir(path.join(dir, name), { recursive: true });
    const pem = makeCertificatePem(keys, {
      commonName: name,
      notBefore: new Date(t + from * DAY),
      notAfter: new Date(t + to * DAY + 3_600_000),
    });
    await writeFile(path.join(dir, name, 'server.pem'), pem);
  }
  await mkdir(path.join(dir, 'hsm-lon-01'), { recursive: true });
  await writeFile(path.join(dir, 'hsm-lon-01', 'server.pem'), '-----BEGIN CERTIFICATE-----\nnot base64 at all\n');
  const appliances: Record<string, object> = {};
  for (const a of DEMO_APPLIANCES) {
    if (!a.inInventory) continue;
    appliances[a.name] = {
      address: a.address,
      labels: { site: a.name.slice(4, 7) },
      ...(a.name === 'hsm-lon-02' ? { thresholdDays: 45, repeatHours: 12 } : {}),
    };
  }
  await writeFile(path.join(dir, 'fleet.json'), `${JSON.stringify({ appliances }, null, 2)}\n`);
  return [...DEMO_APPLIANCES];
}
