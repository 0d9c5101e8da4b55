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
import type { CertificateDestination, ClientFile, StoredCertificate } from '../../app/ports.ts';
import { MAX_CERTIFICATE_FILE_BYTES } from '../../core/readCertificateFile.ts';
import { awsErrorReason, errorNameOf, httpStatusOf } from '../aws/awsErrorReason.ts';
import { certificateFile, clientFileKey, INVENTORY_FILE, MAX_INVENTORY_BYTES, oversizeBytes } from '../fleetLayout.ts';
import { destinationCertificateKey, destinationClientKey } from '../sourceKeys.ts';
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

  private key(appliance: string, certificate?: string): string {
    return `${this.location.prefix}${destinationCertificateKey(appliance, certificate)}`;
  }

  /** GetObject of `server.pem` (or `NAME.pem`): the stored bytes (capped at 1 MiB) and the ETag the write is conditional on. */
  async read(appliance: string, signal: AbortSignal, certificate?: string): Promise<StoredCertificate> {
    const key = this.key(appliance, certificate);
    return this.readObject(key, certificateFile(certificate), MAX_CERTIFICATE_FILE_BYTES, signal);
  }

  /** PutObject, `If-Match` the ETag read (or `If-None-Match: *`); a lost race is {@link DestinationConflictError}. */
  async write(
    appliance: string,
    bytes: Uint8Array,
    current: StoredCertificate,
    signal: AbortSignal,
    certificate?: string,
  ): Promise<void> {
    const file = certificateFile(certificate);
    const put = { key: this.key(appliance, certificate), shown: `${appliance}/${file}` };
    return this.putObject(put, file, 'application/x-pem-file', bytes, current, signal);
  }

  /** `{prefix}fleet.json`, read as a certificate is (16 MiB cap). */
  async readInventory(signal: AbortSignal): Promise<StoredCertificate> {
    return this.readObject(`${this.location.prefix}${INVENTORY_FILE}`, INVENTORY_FILE, MAX_INVENTORY_BYTES, signal);
  }

  /** `{prefix}fleet.json`, written as a certificate is: conditional on the ETag read. */
  async writeInventory(bytes: Uint8Array, current: StoredCertificate, signal: AbortSignal): Promise<void> {
    const put = { key: `${this.location.prefix}${INVENTORY_FILE}`, shown: INVENTORY_FILE };
    return this.putObject(put, INVENTORY_FILE, 'application/json', bytes, current, signal);
  }

  /** A Luna client's file, read as a certificate is (docs/clients.md, Collecting a client's files). */
  async readClientFile(client: string, file: ClientFile, signal: AbortSignal): Promise<StoredCertificate> {
    return this.readObject(this.clientKey(client, file), file, MAX_CERTIFICATE_FILE_BYTES, signal);
  }

  /** A Luna client's file, written as a certificate is: conditional on the ETag read. */
  async writeClientFile(
    client: string,
    file: ClientFile,
    bytes: Uint8Array,
    current: StoredCertificate,
    signal: AbortSignal,
  ): Promise<void> {
    const put = { key: this.clientKey(client, file), shown: clientFileKey(client, file) };
    return this.putObject(put, file, 'application/x-pem-file', bytes, current, signal);
  }

  private clientKey(client: string, file: ClientFile): string {
    return `${this.location.prefix}${destinationClientKey(client, file)}`;
  }

  private async readObject(key: string, file: string, limit: number, signal: AbortSignal): Promise<StoredCertificate> {
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: key }), {
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

  private async putObject(
    put: { readonly key: string; readonly shown: string },
    file: string,
    contentType: string,
    bytes: Uint8Array,
    current: StoredCertificate,
    signal: AbortSignal,
  ): Promise<void> {
    const condition =
      current.bytes === undefined ? { IfNoneMatch: '*' } : current.token ? { IfMatch: current.token } : {};
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.location.bucket,
          Key: put.key,
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
        throw new DestinationConflictError(`${put.shown} was changed by another writer`, { cause: error });
      }
      throw new DestinationError(`${file} could not be written: ${awsErrorReason(error)}`, { cause: error });
    }
  }
}
