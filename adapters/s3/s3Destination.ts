/**
 * The collector's S3 destination (`s3://bucket/prefix/`, docs/collector.md, Collecting certificates): it writes
 * `{prefix}{appliance}/server.pem`, the layout the S3 source reads. A write is conditional on what was
 * read (`If-Match` its ETag, `If-None-Match: *` when nothing was stored), so a certificate another
 * collector published in between is never overwritten blindly; a PUT replaces an object whole or not at all.
 *
 * The inventory is written the same way, as `{prefix}fleet.json` (`application/json`).
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DestinationConflictError, DestinationError } from '../../app/errors.ts';
import type { CertificateDestination, StoredCertificate } from '../../app/ports.ts';
import { awsErrorReason, errorNameOf, httpStatusOf } from '../aws/awsErrorReason.ts';
import { oversizeBytes } from '../fleetLayout.ts';
import { KeyedDestination, type StoredFile } from '../keyedDestination.ts';
import { isS3NotFound, readBodyCapped } from './s3Client.ts';
import type { S3Location } from './s3Location.ts';

/** {@link CertificateDestination} over an S3 prefix. */
export class S3Destination extends KeyedDestination implements CertificateDestination {
  readonly description: string;

  constructor(
    private readonly client: S3Client,
    private readonly location: S3Location,
  ) {
    super();
    this.description = `s3://${location.bucket}/${location.prefix}`;
  }

  /** GetObject of `{prefix}{key}`: the stored bytes (capped at the file's limit) and the ETag the write is conditional on. */
  protected async readStored({ key, file, limit }: StoredFile, signal: AbortSignal): Promise<StoredCertificate> {
    try {
      const Key = `${this.location.prefix}${key}`;
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key }), {
        abortSignal: signal,
      });
      const token = answer.ETag ? { token: answer.ETag } : {};
      if (!answer.Body) return { bytes: new Uint8Array(0), ...token };
      if ((answer.ContentLength ?? 0) > limit) {
        (answer.Body as { destroy?: () => void }).destroy?.();
        return { bytes: oversizeBytes(limit), ...token };
      }
      return { bytes: await readBodyCapped(answer.Body as AsyncIterable<Uint8Array>, limit), ...token };
    } catch (error) {
      if (isS3NotFound(error)) return {};
      throw new DestinationError(`${file} could not be read: ${awsErrorReason(error)}`, { cause: error });
    }
  }

  /** PutObject, `If-Match` the ETag read (or `If-None-Match: *`); a lost race is {@link DestinationConflictError}. */
  protected async writeStored(
    { key, file, holds }: StoredFile,
    bytes: Uint8Array,
    current: StoredCertificate,
    signal: AbortSignal,
  ): Promise<void> {
    const contentType = holds === 'inventory' ? 'application/json' : 'application/x-pem-file';
    const condition =
      current.bytes === undefined ? { IfNoneMatch: '*' } : current.token ? { IfMatch: current.token } : {};
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.location.bucket,
          Key: `${this.location.prefix}${key}`,
          Body: bytes,
          ContentType: contentType,
          ...condition,
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      const status = httpStatusOf(error);
      const name = errorNameOf(error);
      if (status === 412 || status === 409 || name === 'PreconditionFailed' || name === 'ConditionalRequestConflict') {
        throw new DestinationConflictError(`${key} was changed by another writer`, { cause: error });
      }
      throw new DestinationError(`${file} could not be written: ${awsErrorReason(error)}`, { cause: error });
    }
  }
}
