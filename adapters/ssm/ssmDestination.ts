/**
 * The collector's SSM destination (`ssm:/prefix/`, docs/collector.md, Collecting certificates): it writes parameter
 * `{prefix}{appliance}/server.pem`, the layout the SSM source reads. SSM has no conditional write, so a
 * write is `PutParameter` with `Overwrite`, sent only when the value differs from what was read; a
 * parameter is replaced whole or not at all.
 *
 * Reads use `GetParametersByPath` on the appliance's path (not `GetParameter`), so the collector's role
 * needs only `ssm:GetParametersByPath` and `ssm:PutParameter`. A parameter keeps its type (`String`, or
 * `SecureString` if an operator chose it); new ones are `String` (a certificate is public). The Advanced
 * tier (8 KB, a charge per parameter) is asked for only when the value exceeds the standard tier's 4 KB,
 * or when the stored value did (SSM never moves a parameter back to the standard tier).
 *
 * The inventory is written the same way, as parameter `{prefix}fleet.json`, read by `GetParametersByPath`
 * on the prefix itself (one level: not the certificates below it); an inventory over 8 KB cannot be stored.
 */
import { PutParameterCommand, paginateGetParametersByPath, type SSMClient } from '@aws-sdk/client-ssm';
import { DestinationError } from '../../app/errors.ts';
import type { CertificateDestination, StoredCertificate } from '../../app/ports.ts';
import { awsErrorReason } from '../aws/awsErrorReason.ts';
import { KeyedDestination, type StoredFile } from '../keyedDestination.ts';

/** Largest value of a standard-tier parameter. */
export const STANDARD_TIER_BYTES = 4096;
/** Largest value of an advanced-tier parameter. */
export const ADVANCED_TIER_BYTES = 8192;

const PARAMETER_TYPES = new Set(['String', 'SecureString']);

/** How a value too large for any parameter is named; a client's file by its name. */
const WHAT: Partial<Record<StoredFile['holds'], string>> = {
  certificate: 'a certificate chain',
  inventory: 'an inventory',
};

/** {@link CertificateDestination} over an SSM parameter path. */
export class SsmDestination extends KeyedDestination implements CertificateDestination {
  readonly description: string;

  /** `path` starts and ends with `/` (as `parseSsmLocation` returns it). */
  constructor(
    private readonly client: SSMClient,
    private readonly path: string,
  ) {
    super();
    this.description = `ssm:${path}`;
  }

  /** An SSM parameter holds at most 8 KB (the Advanced tier). */
  readonly maxFileBytes = ADVANCED_TIER_BYTES;

  /** The stored value and its type (the token), from a one-level `GetParametersByPath` on its folder. */
  protected readStored({ key, folder, file }: StoredFile, signal: AbortSignal): Promise<StoredCertificate> {
    // The inventory's folder is the prefix itself (one level: not the certificates below it).
    const parent = folder === '' ? (this.path === '/' ? '/' : this.path.slice(0, -1)) : `${this.path}${folder}`;
    return this.readParameter(parent, `${this.path}${key}`, file, signal);
  }

  /** `PutParameter` with `Overwrite`, keeping the parameter's type, Advanced only when the size needs it. */
  protected writeStored(
    { key, file, holds }: StoredFile,
    bytes: Uint8Array,
    current: StoredCertificate,
    signal: AbortSignal,
  ): Promise<void> {
    const what = WHAT[holds] ?? `the client's ${file}`;
    return this.putParameter(`${this.path}${key}`, file, what, bytes, current, signal);
  }

  /** Parameter `name` found by a one-level `GetParametersByPath` on `parent`. */
  private async readParameter(parent: string, name: string, file: string, signal: AbortSignal) {
    try {
      const pages = paginateGetParametersByPath(
        { client: this.client, pageSize: 10 },
        { Path: parent, Recursive: false, WithDecryption: true, MaxResults: 10 },
        { abortSignal: signal },
      );
      for await (const page of pages) {
        const found = page.Parameters?.find((p) => p.Name === name);
        if (found?.Value === undefined) continue;
        const type = found.Type && PARAMETER_TYPES.has(found.Type) ? { token: found.Type } : {};
        return { bytes: new TextEncoder().encode(found.Value), ...type };
      }
      return {};
    } catch (error) {
      throw new DestinationError(`${file} could not be read: ${awsErrorReason(error)}`, { cause: error });
    }
  }

  /** `what` names the value in the message when it is too large for any parameter. */
  private async putParameter(
    name: string,
    file: string,
    what: string,
    bytes: Uint8Array,
    current: StoredCertificate,
    signal: AbortSignal,
  ): Promise<void> {
    if (bytes.length > ADVANCED_TIER_BYTES) {
      throw new DestinationError(
        `${what} of ${bytes.length} bytes does not fit an SSM parameter (at most ${ADVANCED_TIER_BYTES})`,
      );
    }
    const advanced = bytes.length > STANDARD_TIER_BYTES || (current.bytes?.length ?? 0) > STANDARD_TIER_BYTES;
    try {
      await this.client.send(
        new PutParameterCommand({
          Name: name,
          Value: new TextDecoder().decode(bytes),
          Type: (current.token as 'String' | 'SecureString' | undefined) ?? 'String',
          Overwrite: true,
          ...(advanced ? { Tier: 'Advanced' as const } : {}),
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      throw new DestinationError(`${file} could not be written: ${awsErrorReason(error)}`, { cause: error });
    }
  }
}
