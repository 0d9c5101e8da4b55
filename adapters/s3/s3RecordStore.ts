/**
 * Records in S3 (`s3://bucket/prefix/`): one object `{prefix}{key}` each, so runs touch only what changed
 * and two overlapping runs contend per record, not for the whole fleet. A conditional write sends
 * `If-Match` the ETag read, or `If-None-Match: *` for a new record: the loser of a race gets
 * {@link StateConflictError} instead of silently overwriting the winner (docs/design.md, State).
 */
import { GetObjectCommand, PutObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { StateConflictError, StateStoreError } from '../../app/errors.ts';
import type { RecordStore, VersionedRecord } from '../../app/ports.ts';
import { recordFolder, recordKey } from '../../app/recordKey.ts';
import { awsErrorReason, errorNameOf, httpStatusOf } from '../aws/awsErrorReason.ts';
import { isS3NotFound, readBodyCapped } from './s3Client.ts';
import type { S3Location } from './s3Location.ts';

const CONFLICTS: ReadonlySet<string> = new Set(['PreconditionFailed', 'ConditionalRequestConflict']);

/** {@link RecordStore} over an S3 prefix. */
export class S3RecordStore implements RecordStore {
  readonly description: string;

  constructor(
    private readonly client: S3Client,
    private readonly location: S3Location,
  ) {
    this.description = `s3://${location.bucket}/${location.prefix}`;
  }

  describe(key: string): string {
    return `${this.description}${key}`;
  }

  /** The object's body (at most `limit` bytes read) and its ETag. */
  async read(key: string, limit: number): Promise<VersionedRecord | undefined> {
    const command = new GetObjectCommand({ Bucket: this.location.bucket, Key: this.objectKey(key) });
    try {
      const answer = await this.client.send(command);
      const body = answer.Body as AsyncIterable<Uint8Array> | undefined;
      return { bytes: body ? await readBodyCapped(body, limit) : new Uint8Array(0), version: answer.ETag };
    } catch (error) {
      if (isS3NotFound(error)) return undefined;
      throw new StateStoreError(`could not be read: ${awsErrorReason(error)}`, { cause: error });
    }
  }

  /** PutObject `If-Match` the version, or `If-None-Match: *` without one; a lost race is a {@link StateConflictError}. */
  async writeIf(
    key: string,
    bytes: Uint8Array,
    expectedVersion: string | undefined,
    contentType: string,
  ): Promise<void> {
    const condition: Record<string, string> =
      expectedVersion === undefined ? { IfNoneMatch: '*' } : { IfMatch: expectedVersion };
    const command = this.put(key, bytes, { ContentType: contentType, ...condition });
    try {
      await this.client.send(command);
    } catch (error) {
      const status = httpStatusOf(error);
      if (status === 412 || status === 409 || CONFLICTS.has(errorNameOf(error) ?? '')) {
        throw new StateConflictError(key, { cause: error });
      }
      throw new StateStoreError(`could not be written: ${awsErrorReason(error)}`, { cause: error });
    }
  }

  /** One PUT (S3 replaces an object whole); no-cache, so a browser shows the latest. */
  async publish(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const command = this.put(key, bytes, { ContentType: contentType, CacheControl: 'no-cache' });
    try {
      await this.client.send(command);
    } catch (error) {
      throw new StateStoreError(`could not be written: ${awsErrorReason(error)}`, { cause: error });
    }
  }

  /** The keys directly in `folder` (the delimiter keeps the listing out of deeper folders), 1,000 per request. */
  async *list(folder: string): AsyncIterable<string> {
    const { bucket, prefix } = this.location;
    const Prefix = `${prefix}${recordFolder(folder)}`;
    try {
      const pages = paginateListObjectsV2({ client: this.client }, { Bucket: bucket, Prefix, Delimiter: '/' });
      for await (const page of pages) {
        for (const object of page.Contents ?? []) if (object.Key) yield object.Key.slice(prefix.length);
      }
    } catch (error) {
      throw new StateStoreError(`could not be listed: ${awsErrorReason(error)}`, { cause: error });
    }
  }

  private objectKey(key: string): string {
    return `${this.location.prefix}${recordKey(key)}`;
  }

  private put(key: string, bytes: Uint8Array, fields: Record<string, string>): PutObjectCommand {
    return new PutObjectCommand({ Bucket: this.location.bucket, Key: this.objectKey(key), Body: bytes, ...fields });
  }
}
