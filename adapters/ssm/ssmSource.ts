/**
 * Certificates in SSM Parameter Store (`ssm:/prefix/`, docs/reference.md, Configuration): parameter `{prefix}{appliance}/server.pem`
 * per appliance and an optional `{prefix}fleet.json`. The listing (GetParametersByPath, 10 per page, paginated
 * to the end) already carries every value, so they are kept until fetched once and then dropped; SSM fleets
 * are small (a standard parameter holds 4 KB, an advanced one 8 KB), so this costs at most a few MB.
 */
import { GetParameterCommand, type Parameter, paginateGetParametersByPath, type SSMClient } from '@aws-sdk/client-ssm';
import { InventoryError } from '../../app/errors.ts';
import type { CertificateSource, Inventory, ListedAppliance } from '../../app/ports.ts';
import { MAX_CERTIFICATE_FILE_BYTES } from '../../core/readCertificateFile.ts';
import type { SourceResult } from '../../core/types.ts';
import { awsErrorReason } from '../aws/awsErrorReason.ts';
import { CERTIFICATE_FILE, INVENTORY_FILE, oversizeBytes } from '../fleetLayout.ts';
import { KeyedSource } from '../keyedSource.ts';
import { type InventoryDocument, parseInventoryDocument } from '../parseInventory.ts';
import { listedAppliance } from '../sourceKeys.ts';
import { isParameterNotFound } from './ssmClient.ts';

/** {@link CertificateSource} over an SSM parameter path. */
export class SsmSource extends KeyedSource implements CertificateSource {
  readonly description: string;
  /** Values seen while listing, by key, dropped once fetched so nothing is held longer than needed. */
  private readonly listed = new Map<string, string>();

  constructor(
    private readonly client: SSMClient,
    private readonly path: string,
  ) {
    super();
    this.description = `ssm:${path}`;
  }

  /** Reads the `fleet.json` parameter at the prefix; absent means no inventory, wrong content comes back as problems. */
  async readInventory(): Promise<Inventory | undefined> {
    return (await this.readInventoryDocument())?.inventory;
  }

  /** {@link SsmSource.readInventory}, with the parameter's value as bytes when it is an inventory at all. */
  async readInventoryDocument(): Promise<InventoryDocument | undefined> {
    let value: string | undefined;
    try {
      const answer = await this.client.send(
        new GetParameterCommand({ Name: `${this.path}${INVENTORY_FILE}`, WithDecryption: true }),
      );
      value = answer.Parameter?.Value;
    } catch (error) {
      if (isParameterNotFound(error)) return undefined;
      throw new InventoryError(`${INVENTORY_FILE} could not be read: ${awsErrorReason(error)}`, { cause: error });
    }
    return value === undefined ? undefined : parseInventoryDocument(new TextEncoder().encode(value));
  }

  /** Streams the appliances from every page of GetParametersByPath (recursive, decrypted; no versions). */
  async *list(): AsyncIterable<ListedAppliance> {
    // Values kept from an earlier listing (a warm Lambda, a shard that fetched only its own names) must
    // never answer for this run: a parameter deleted since would read as present instead of missing.
    this.listed.clear();
    this.skipped.reset();
    const root = this.path === '/' ? '/' : this.path.slice(0, -1);
    const pages = paginateGetParametersByPath(
      { client: this.client, pageSize: 10 },
      { Path: root, Recursive: true, WithDecryption: true, MaxResults: 10 },
    );
    for await (const page of pages) {
      for (const parameter of page.Parameters ?? []) {
        const name = this.applianceOf(parameter);
        if (name === undefined) continue;
        if (parameter.Value !== undefined) this.listed.set(`${name}/${CERTIFICATE_FILE}`, parameter.Value);
        yield { name };
      }
    }
  }

  /** The appliance a parameter is the certificate of; others are not part of the fleet (misplaced ones are collected). */
  private applianceOf(parameter: Parameter): string | undefined {
    const full = parameter.Name;
    if (!full?.startsWith(this.path)) return undefined;
    return listedAppliance(full.slice(this.path.length), this.skipped);
  }

  /**
   * Parameter `{prefix}{key}`: the value listed when there is one (an appliance's `server.pem`), else
   * GetParameter (a named certificate's `NAME.pem` and a client's file always); absent → missing, failures →
   * unavailable.
   */
  protected async fetchKey(key: string): Promise<SourceResult> {
    let value = this.listed.get(key);
    this.listed.delete(key);
    if (value === undefined) {
      try {
        const answer = await this.client.send(
          new GetParameterCommand({ Name: `${this.path}${key}`, WithDecryption: true }),
        );
        value = answer.Parameter?.Value;
      } catch (error) {
        if (isParameterNotFound(error)) return { kind: 'missing' };
        return { kind: 'unavailable', reason: awsErrorReason(error) };
      }
      if (value === undefined) return { kind: 'missing' };
    }
    // SSM values are at most 8 KB, but a stand-in or a future limit must not make the cap moot.
    if (value.length > MAX_CERTIFICATE_FILE_BYTES) return { kind: 'found', bytes: oversizeBytes() };
    return { kind: 'found', bytes: new TextEncoder().encode(value) };
  }
}
