/**
 * The collector's S3 destination (`s3://bucket/prefix/`, docs/collector.md, Collecting certificates): it writes
 * `{prefix}{appliance}/server.pem`, the layout the S3 source reads. A write is conditional on what was
 * read (`If-Match` its ETag, `If-None-Match: *` when nothing was stored), so a certificate another
 * collector published in between is never overwritten blindly; a PUT replaces an object whole or not at all.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DestinationConflictError, DestinationError } from '../../app/errors.ts';
import type { CertificateDestination, StoredCertificate } from '../../app/ports.ts';
import { MAX_CERTIFICATE_FILE_BYTES } from '../../core/readCertificateFile.ts';
import { isApplianceName } from '../../protocol/notification.ts';
import { awsErrorReason, errorNameOf, httpStatusOf } from '../aws/awsErrorReason.ts';
import { CERTIFICATE_FILE, oversizeBytes } from '../fleetLayout.ts';
import { isS3NotFound, readBodyCapped } from './s3Client.ts';
import type { S3Location } from './s3Location.ts';

/** {@link CertificateDestination} over an S3 prefix. */
export class S3Destination implements CertificateDestination {
  readonly description: string;

  constructor(
    private readonly client: S3Client,
    private readonly location: S3Location,
  ) {
    this.description = `s3://${location.bucket}/${location.prefix}`;
  }

  private key(appliance: string): string {
    if (!isApplianceName(appliance)) throw new DestinationError('invalid appliance name');
    return `${this.location.prefix}${appliance}/${CERTIFICATE_FILE}`;
  }

  /** GetObject: the stored bytes (capped at 1 MiB) and the ETag the write is conditional on. */
  async read(appliance: string, signal: AbortSignal): Promise<StoredCertificate> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: this.key(appliance) }),
        { abortSignal: signal },
      );
      const token = answer.ETag ? { token: answer.ETag } : {};
      if (!answer.Body) return { bytes: new Uint8Array(0), ...token };
      if ((answer.ContentLength ?? 0) > MAX_CERTIFICATE_FILE_BYTES) {
        (answer.Body as { destroy?: () => void }).destroy?.();
        return { bytes: oversizeBytes(), ...token };
      }
      return { bytes: await readBodyCapped(answer.Body as AsyncIterable<Uint8Array>), ...token };
    } catch (error) {
      if (isS3NotFound(error)) return {};
      if (error instanceof DestinationError) throw error;
      throw new DestinationError(`${CERTIFICATE_FILE} could not be read: ${awsErrorReason(error)}`, { cause: error });
    }
  }

  /** PutObject, `If-Match` the ETag read (or `If-None-Match: *`); a lost race is {@link DestinationConflictError}. */
  async write(appliance: string, bytes: Uint8Array, current: StoredCertificate, signal: AbortSignal): Promise<void> {
    const condition =
      current.bytes === undefined ? { IfNoneMatch: '*' } : current.token ? { IfMatch: current.token } : {};
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.location.bucket,
          Key: this.key(appliance),
          Body: bytes,
          ContentType: 'application/x-pem-file',
          ...condition,
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      if (error instanceof DestinationError) throw error;
      const status = httpStatusOf(error);
      const name = errorNameOf(error);
      if (status === 412 || status === 409 || name === 'PreconditionFailed' || name === 'ConditionalRequestConflict') {
        throw new DestinationConflictError(`${appliance}/${CERTIFICATE_FILE} was changed by another writer`, {
          cause: error,
        });
      }
      throw new DestinationError(`${CERTIFICATE_FILE} could not be written: ${awsErrorReason(error)}`, {
        cause: error,
      });
    }
  }
}
