/** Builds the certificate source named by a `CERTMONITOR_SOURCE` location (docs/reference.md, Configuration). */
import { stat } from 'node:fs/promises';
import { ConfigError } from '../app/errors.ts';
import type { CertificateSource } from '../app/ports.ts';
import { type AdapterDeps, awsAdapter, S3_BACKEND, SSM_BACKEND } from './adapterDeps.ts';
import { DirSource } from './dir/dirSource.ts';

/**
 * The source for `dir:PATH` (which must be an existing directory), `s3://bucket/prefix/`, `ssm:/prefix/`
 * or `tls:FLEET.json` (an existing inventory file; the appliances are read live). Throws
 * {@link ConfigError} naming `setting` for a location that cannot be used.
 */
export async function createSource(
  spec: string,
  deps: AdapterDeps = {},
  setting = 'CERTMONITOR_SOURCE (--source)',
): Promise<CertificateSource> {
  if (spec.startsWith('dir:')) {
    const dir = spec.slice('dir:'.length);
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) throw new ConfigError(`${setting}: directory not found`);
    return new DirSource(dir);
  }
  if (spec.startsWith('s3://')) {
    const adapter = async () => (await import('./s3/s3Source.ts')).S3Source;
    return awsAdapter(spec, setting, deps, S3_BACKEND, adapter);
  }
  if (spec.startsWith('ssm:')) {
    const adapter = async () => (await import('./ssm/ssmSource.ts')).SsmSource;
    return awsAdapter(spec, setting, deps, SSM_BACKEND, adapter);
  }
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
