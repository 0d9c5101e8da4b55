/**
 * Builds the certificate source named by a `CERTMONITOR_SOURCE` location (README, Configuration).
 *
 * The AWS adapters are imported only when a location needs them: loading the SDK costs about a second,
 * which a `dir:` run (and every CLI start) should not pay.
 */
import { stat } from 'node:fs/promises';
import { ConfigError } from '../app/errors.ts';
import type { CertificateSource } from '../app/ports.ts';
import { type AdapterDeps, parseLocation } from './adapterDeps.ts';
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
  const clientOptions = { env: deps.env, maxSockets: deps.maxSockets };
  if (spec.startsWith('dir:')) {
    const dir = spec.slice('dir:'.length);
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) throw new ConfigError(`${setting}: directory not found`);
    return new DirSource(dir);
  }
  if (spec.startsWith('s3://')) {
    const { parseS3Location } = await import('./s3/s3Location.ts');
    const location = parseLocation(spec, setting, parseS3Location);
    const [{ createS3Client }, { S3Source }] = await Promise.all([
      import('./s3/s3Client.ts'),
      import('./s3/s3Source.ts'),
    ]);
    return new S3Source(createS3Client(clientOptions), location);
  }
  if (spec.startsWith('ssm:')) {
    const { parseSsmLocation } = await import('./ssm/ssmLocation.ts');
    const path = parseLocation(spec, setting, parseSsmLocation);
    const [{ createSsmClient }, { SsmSource }] = await Promise.all([
      import('./ssm/ssmClient.ts'),
      import('./ssm/ssmSource.ts'),
    ]);
    return new SsmSource(createSsmClient(clientOptions), path);
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
