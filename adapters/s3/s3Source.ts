/**
 * Certificates in S3 (`s3://bucket/prefix/`, docs/reference.md, Configuration): `{prefix}{appliance}/server.pem` per appliance and an
 * optional `{prefix}fleet.json` inventory. Listing is streamed page by page to the end; each object is read
 * with a 1 MiB cap. The SDK's standard retry mode handles throttling and 5xx; what still fails becomes
 * `unavailable` with a short reason, never `missing`.
 */
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { InventoryError } from '../../app/errors.ts';
import type { CertificateSource, Inventory, ListedAppliance } from '../../app/ports.ts';
import { MAX_CERTIFICATE_FILE_BYTES } from '../../core/readCertificateFile.ts';
import type { SourceResult } from '../../core/types.ts';
import { awsErrorReason } from '../aws/awsErrorReason.ts';
import { INVENTORY_FILE, MAX_INVENTORY_BYTES, oversizeBytes } from '../fleetLayout.ts';
import { KeyedSource } from '../keyedSource.ts';
import { type InventoryDocument, parseInventoryDocument, unusableInventory } from '../parseInventory.ts';
import { listedAppliance } from '../sourceKeys.ts';
import { isS3NotFound, readBodyCapped } from './s3Client.ts';
import type { S3Location } from './s3Location.ts';

/** {@link CertificateSource} over an S3 prefix. */
export class S3Source extends KeyedSource implements CertificateSource {
  readonly description: string;

  constructor(
    private readonly client: S3Client,
    private readonly location: S3Location,
  ) {
    super();
    this.description = `s3://${location.bucket}/${location.prefix}`;
  }

  /**
   * Reads `fleet.json` at the prefix; absent means no inventory, content that is wrong comes back as
   * problems, and a read that fails throws {@link InventoryError}.
   */
  async readInventory(): Promise<Inventory | undefined> {
    return (await this.readInventoryDocument())?.inventory;
  }

  /** {@link S3Source.readInventory}, with the object's bytes when it is an inventory at all. */
  async readInventoryDocument(): Promise<InventoryDocument | undefined> {
    const tooLarge = () => ({ inventory: unusableInventory(`larger than ${MAX_INVENTORY_BYTES} bytes`) });
    let bytes: Uint8Array;
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: `${this.location.prefix}${INVENTORY_FILE}` }),
      );
      if (!answer.Body) return undefined;
      if ((answer.ContentLength ?? 0) > MAX_INVENTORY_BYTES) {
        (answer.Body as { destroy?: () => void }).destroy?.();
        return tooLarge();
      }
      bytes = await readBodyCapped(answer.Body as AsyncIterable<Uint8Array>, MAX_INVENTORY_BYTES);
    } catch (error) {
      if (isS3NotFound(error)) return undefined;
      throw new InventoryError(`${INVENTORY_FILE} could not be read: ${awsErrorReason(error)}`, { cause: error });
    }
    if (bytes.length > MAX_INVENTORY_BYTES) return tooLarge();
    return parseInventoryDocument(bytes);
  }

  /**
   * Streams every page of the listing, each appliance with its certificate object's ETag (which changes
   * whenever its bytes do). Keys that are not `{name}/server.pem` are not part of the fleet; those that
   * look like a misplaced certificate are collected for {@link S3Source.skippedKeys}.
   */
  async *list(): AsyncIterable<ListedAppliance> {
    const { bucket, prefix } = this.location;
    this.skipped.reset();
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: bucket, Prefix: prefix })) {
      for (const object of page.Contents ?? []) {
        const rest = object.Key?.slice(prefix.length);
        const name = rest === undefined ? undefined : listedAppliance(rest, this.skipped);
        if (name === undefined) continue;
        yield object.ETag ? { name, version: object.ETag } : { name };
      }
    }
  }

  /**
   * GetObject of `{prefix}{key}` with a 1 MiB cap, with the object's ETag as its version; absent → missing;
   * anything else after retries → unavailable.
   */
  protected async fetchKey(key: string): Promise<SourceResult> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: `${this.location.prefix}${key}` }),
      );
      if (!answer.Body) return { kind: 'found', bytes: new Uint8Array(0) };
      if ((answer.ContentLength ?? 0) > MAX_CERTIFICATE_FILE_BYTES) {
        // Refused unread: the body is dropped without consuming it.
        (answer.Body as { destroy?: () => void }).destroy?.();
        return { kind: 'found', bytes: oversizeBytes() };
      }
      const bytes = await readBodyCapped(answer.Body as AsyncIterable<Uint8Array>);
      return answer.ETag ? { kind: 'found', bytes, version: answer.ETag } : { kind: 'found', bytes };
    } catch (error) {
      if (isS3NotFound(error)) return { kind: 'missing' };
      return { kind: 'unavailable', reason: awsErrorReason(error) };
    }
  }
}
