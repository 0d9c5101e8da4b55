/** Builds the certificate source named by a `CERTMONITOR_SOURCE` location (docs/reference.md, Configuration). */
import { stat } from 'node:fs/promises';
import { ConfigError } from '../app/errors.ts';
import type { CertificateSource } from '../app/ports.ts';
import { type AdapterDeps, awsLocationAdapter } from './adapterDeps.ts';
import { DirSource } from './dir/dirSource.ts';
import type { InventoryDocument } from './parseInventory.ts';

/** A source at a fleet location, whose inventory can also be read with its bytes. */
export type LocationSource = CertificateSource & {
  readInventoryDocument(): Promise<InventoryDocument | undefined>;
};

/**
 * The source for `dir:PATH` (which must be an existing directory), `s3://bucket/prefix/` or
 * `ssm:/prefix/`; undefined for any other form. Throws {@link ConfigError} naming `setting` for a
 * location that cannot be used.
 */
export async function createLocationSource(
  spec: string,
  deps: AdapterDeps,
  setting: string,
): Promise<LocationSource | undefined> {
  if (spec.startsWith('dir:')) {
    const dir = spec.slice('dir:'.length);
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) throw new ConfigError(`${setting}: directory not found`);
    return new DirSource(dir);
  }
  return awsLocationAdapter<LocationSource>(spec, setting, deps, {
    s3: async () => (await import('./s3/s3Source.ts')).S3Source,
    ssm: async () => (await import('./ssm/ssmSource.ts')).SsmSource,
  });
}

/**
 * The source for a fleet location (see {@link createLocationSource}) or `tls:FLEET.json` (an existing
 * inventory file; the appliances are read live). Throws {@link ConfigError} naming `setting` for a
 * location that cannot be used.
 */
export async function createSource(
  spec: string,
  deps: AdapterDeps = {},
  setting = 'CERTMONITOR_SOURCE (--source)',
): Promise<CertificateSource> {
  const atLocation = await createLocationSource(spec, deps, setting);
  if (atLocation) return atLocation;
  if (spec.startsWith('tls:')) {
    const file = spec.slice('tls:'.length);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new ConfigError(`${setting}: the tls: inventory file was not found`);
    const [{ NtlsCapture, createCaptureContext }, { TlsSource }] = await Promise.all([
      import('./tls/ntlsCapture.ts'),
      import('./tls/tlsSource.ts'),
    ]);
    return new TlsSource(file, new NtlsCapture(createCaptureContext()));
  }
  throw new ConfigError(`${setting} must be dir:PATH, s3://bucket/prefix/, ssm:/prefix/ or tls:FLEET.json`);
}
