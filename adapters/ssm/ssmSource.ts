/**
 * Certificates in SSM Parameter Store (`ssm:/prefix/`, docs/reference.md, Configuration): parameter `{prefix}{appliance}/server.pem`
 * per appliance and an optional `{prefix}fleet.json`. The listing (GetParametersByPath, 10 per page, paginated
 * to the end) already carries every value, so they are kept until fetched once and then dropped; SSM fleets
 * are small (a standard parameter holds 4 KB, an advanced one 8 KB), so this costs at most a few MB.
 */
import { GetParameterCommand, type Parameter, paginateGetParametersByPath, type SSMClient } from '@aws-sdk/client-ssm';
import { InventoryError } from '../../app/errors.ts';
import type { CertificateSource, ClientFile, Inventory, ListedAppliance, SkippedKeys } from '../../app/ports.ts';
import { MAX_CERTIFICATE_FILE_BYTES } from '../../core/readCertificateFile.ts';
import type { SourceResult } from '../../core/types.ts';
import { isApplianceName } from '../../protocol/notification.ts';
import { awsErrorReason } from '../aws/awsErrorReason.ts';
import {
  CERTIFICATE_FILE,
  CLIENTS_FOLDER,
  certificateFile,
  clientFileKey,
  INVENTORY_FILE,
  oversizeBytes,
} from '../fleetLayout.ts';
import { isNamed } from '../namedCertificate.ts';
import { type InventoryDocument, parseInventoryDocument } from '../parseInventory.ts';
import { SkippedKeyCollector } from '../skippedKeys.ts';
import { isParameterNotFound } from './ssmClient.ts';

/** {@link CertificateSource} over an SSM parameter path. */
export class SsmSource implements CertificateSource {
  readonly description: string;
  private readonly skipped = new SkippedKeyCollector();
  /** Values seen while listing, dropped once fetched so nothing is held longer than needed. */
  private readonly listed = new Map<string, string>();

  constructor(
    private readonly client: SSMClient,
    private readonly path: string,
  ) {
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
    const suffix = `/${CERTIFICATE_FILE}`;
    const pages = paginateGetParametersByPath(
      { client: this.client, pageSize: 10 },
      { Path: root, Recursive: true, WithDecryption: true, MaxResults: 10 },
    );
    for await (const page of pages) {
      for (const parameter of page.Parameters ?? []) {
        const name = this.applianceOf(parameter, suffix);
        if (name === undefined) continue;
        if (parameter.Value !== undefined) this.listed.set(name, parameter.Value);
        yield { name };
      }
    }
  }

  /** The appliance a parameter is the certificate of; others are not part of the fleet (misplaced ones are collected). */
  private applianceOf(parameter: Parameter, suffix: string): string | undefined {
    const full = parameter.Name;
    if (!full?.startsWith(this.path)) return undefined;
    const rest = full.slice(this.path.length);
    if (rest === INVENTORY_FILE || rest.startsWith(CLIENTS_FOLDER)) return undefined;
    const name = rest.endsWith(suffix) ? rest.slice(0, rest.length - suffix.length) : undefined;
    if (name === undefined || name.includes('/') || !isApplianceName(name)) {
      this.skipped.consider(rest);
      return undefined;
    }
    return name;
  }

  /** The misplaced certificates the last listing skipped. */
  skippedKeys(): SkippedKeys {
    return this.skipped.snapshot();
  }

  /**
   * The listed value when there is one, else GetParameter (a named certificate's `NAME.pem` always);
   * absent → missing, failures → unavailable.
   */
  async fetch(appliance: string, certificate?: string): Promise<SourceResult> {
    if (!isApplianceName(appliance) || !isNamed(certificate)) return { kind: 'missing' };
    const value = certificate === undefined ? this.listed.get(appliance) : undefined;
    if (certificate === undefined) this.listed.delete(appliance);
    return this.fetchKey(`${appliance}/${certificateFile(certificate)}`, value);
  }

  /** A Luna client's file (docs/clients.md, Collecting a client's files), read as {@link SsmSource.fetch} reads a certificate. */
  async fetchClientFile(client: string, file: ClientFile): Promise<SourceResult> {
    if (!isApplianceName(client)) return { kind: 'missing' };
    return this.fetchKey(clientFileKey(client, file), undefined);
  }

  /** The parameter's value: the one listed when there is one, else GetParameter. */
  private async fetchKey(key: string, listed: string | undefined): Promise<SourceResult> {
    let value = listed;
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
