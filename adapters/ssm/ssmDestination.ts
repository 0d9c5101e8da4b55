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
import type { CertificateDestination, ClientFile, StoredCertificate } from '../../app/ports.ts';
import { awsErrorReason } from '../aws/awsErrorReason.ts';
import { certificateFile, INVENTORY_FILE } from '../fleetLayout.ts';
import { destinationCertificateKey, destinationClientKey } from '../sourceKeys.ts';

/** Largest value of a standard-tier parameter. */
export const STANDARD_TIER_BYTES = 4096;
/** Largest value of an advanced-tier parameter. */
export const ADVANCED_TIER_BYTES = 8192;

const PARAMETER_TYPES = new Set(['String', 'SecureString']);

/** {@link CertificateDestination} over an SSM parameter path. */
export class SsmDestination implements CertificateDestination {
  readonly description: string;

  /** `path` starts and ends with `/` (as `parseSsmLocation` returns it). */
  constructor(
    private readonly client: SSMClient,
    private readonly path: string,
  ) {
    this.description = `ssm:${path}`;
  }

  private name(appliance: string, certificate?: string): string {
    return `${this.path}${destinationCertificateKey(appliance, certificate)}`;
  }

  /** The stored value and its type (the token), from `GetParametersByPath` on the appliance's path. */
  async read(appliance: string, signal: AbortSignal, certificate?: string): Promise<StoredCertificate> {
    const name = this.name(appliance, certificate);
    return this.readParameter(`${this.path}${appliance}`, name, certificateFile(certificate), signal);
  }

  /** `PutParameter` with `Overwrite`, keeping the parameter's type, Advanced only when the size needs it. */
  async write(
    appliance: string,
    bytes: Uint8Array,
    current: StoredCertificate,
    signal: AbortSignal,
    certificate?: string,
  ): Promise<void> {
    const name = this.name(appliance, certificate);
    return this.putParameter(name, certificateFile(certificate), 'a certificate chain', bytes, current, signal);
  }

  /** The `{prefix}fleet.json` parameter, from `GetParametersByPath` on the prefix (one level, no certificates). */
  async readInventory(signal: AbortSignal): Promise<StoredCertificate> {
    const root = this.path === '/' ? '/' : this.path.slice(0, -1);
    return this.readParameter(root, `${this.path}${INVENTORY_FILE}`, INVENTORY_FILE, signal);
  }

  /** `{prefix}fleet.json`, written as a certificate is. */
  async writeInventory(bytes: Uint8Array, current: StoredCertificate, signal: AbortSignal): Promise<void> {
    return this.putParameter(`${this.path}${INVENTORY_FILE}`, INVENTORY_FILE, 'an inventory', bytes, current, signal);
  }

  /** An SSM parameter holds at most 8 KB (the Advanced tier). */
  readonly maxFileBytes = ADVANCED_TIER_BYTES;

  /** A Luna client's file, read as a certificate is (docs/clients.md, Collecting a client's files). */
  async readClientFile(client: string, file: ClientFile, signal: AbortSignal): Promise<StoredCertificate> {
    const name = this.clientName(client, file);
    return this.readParameter(name.slice(0, -(file.length + 1)), name, file, signal);
  }

  /** A Luna client's file, written as a certificate is. */
  async writeClientFile(
    client: string,
    file: ClientFile,
    bytes: Uint8Array,
    current: StoredCertificate,
    signal: AbortSignal,
  ): Promise<void> {
    return this.putParameter(this.clientName(client, file), file, `the client's ${file}`, bytes, current, signal);
  }

  private clientName(client: string, file: ClientFile): string {
    return `${this.path}${destinationClientKey(client, file)}`;
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
