/**
 * Per-appliance state in S3 (`s3://bucket/prefix/`): one object `{prefix}{appliance}.json` each, so runs
 * touch only what changed and two overlapping runs contend per appliance, not for the whole fleet.
 * Writes are conditional (`If-Match` the ETag read, or `If-None-Match: *` for a new record): the loser of a
 * race gets {@link StateConflictError} instead of silently overwriting the winner (docs/design.md, State).
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { StateConflictError, StateStoreError } from '../../app/errors.ts';
import type { LoadedInventoryReport, LoadedState, StateStore } from '../../app/ports.ts';
import type { InventoryReport } from '../../core/inventoryReport.ts';
import type { ApplianceState } from '../../core/types.ts';
import { isApplianceName } from '../../protocol/notification.ts';
import { awsErrorReason, errorNameOf, httpStatusOf } from '../aws/awsErrorReason.ts';
import {
  decodeInventoryReport,
  decodeStateRecord,
  encodeInventoryReport,
  INVENTORY_REPORT_RECORD,
  MAX_STATE_BYTES,
} from '../stateRecord.ts';
import { isS3NotFound, readBodyCapped } from './s3Client.ts';
import type { S3Location } from './s3Location.ts';

/** How this store words a record it cannot decode (the `stateReset` reasons). */
const WORDING = { tooLarge: 'record too large', notJson: 'not valid JSON' } as const;

/** {@link StateStore} over an S3 prefix with conditional writes. */
export class S3StateStore implements StateStore {
  readonly description: string;

  constructor(
    private readonly client: S3Client,
    private readonly location: S3Location,
  ) {
    this.description = `s3://${location.bucket}/${location.prefix}`;
  }

  private key(appliance: string): string {
    if (!isApplianceName(appliance)) throw new StateStoreError('invalid appliance name');
    return `${this.location.prefix}${appliance}.json`;
  }

  /** Loads the record and its ETag; an unreadable record is reported as `corrupt`, never thrown. */
  async load(appliance: string): Promise<LoadedState> {
    let etag: string | undefined;
    let bytes: Uint8Array;
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: this.key(appliance) }),
      );
      etag = answer.ETag;
      if (!answer.Body) return { version: etag, corrupt: 'empty record' };
      bytes = await readBodyCapped(answer.Body as AsyncIterable<Uint8Array>, MAX_STATE_BYTES);
    } catch (error) {
      if (isS3NotFound(error)) return {};
      if (error instanceof StateStoreError) throw error;
      throw new StateStoreError(`state could not be read: ${awsErrorReason(error)}`, { cause: error });
    }
    return decodeStateRecord(bytes, etag, WORDING);
  }

  /** Conditional write: `If-Match` the loaded ETag, or `If-None-Match: *` when no record existed. */
  async save(appliance: string, state: ApplianceState, expectedVersion: string | undefined): Promise<void> {
    await this.put(this.key(appliance), appliance, JSON.stringify(state), expectedVersion);
  }

  /** The fleet-level inventory report (`{prefix}_inventory.json`) and its ETag. */
  async loadInventoryReport(): Promise<LoadedInventoryReport> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: this.inventoryReportKey() }),
      );
      const body = answer.Body as AsyncIterable<Uint8Array> | undefined;
      const bytes = body ? await readBodyCapped(body, MAX_STATE_BYTES) : new Uint8Array(0);
      return decodeInventoryReport(bytes, answer.ETag);
    } catch (error) {
      if (isS3NotFound(error)) return {};
      throw new StateStoreError(`state could not be read: ${awsErrorReason(error)}`, { cause: error });
    }
  }

  /** Writes the inventory report conditionally, like {@link S3StateStore.save}. */
  async saveInventoryReport(report: InventoryReport | undefined, expectedVersion: string | undefined): Promise<void> {
    const key = this.inventoryReportKey();
    await this.put(key, INVENTORY_REPORT_RECORD, encodeInventoryReport(report), expectedVersion);
  }

  private inventoryReportKey(): string {
    return `${this.location.prefix}${INVENTORY_REPORT_RECORD}`;
  }

  /** PutObject `If-Match` the version, or `If-None-Match: *` without one; a lost race is a {@link StateConflictError}. */
  private async put(key: string, name: string, body: string, expectedVersion: string | undefined): Promise<void> {
    const command = new PutObjectCommand({
      Bucket: this.location.bucket,
      Key: key,
      Body: body,
      ContentType: 'application/json',
      ...(expectedVersion === undefined ? { IfNoneMatch: '*' } : { IfMatch: expectedVersion }),
    });
    try {
      await this.client.send(command);
    } catch (error) {
      const status = httpStatusOf(error);
      const code = errorNameOf(error);
      if (status === 412 || status === 409 || code === 'PreconditionFailed' || code === 'ConditionalRequestConflict') {
        throw new StateConflictError(name, { cause: error });
      }
      throw new StateStoreError(`state could not be written: ${awsErrorReason(error)}`, { cause: error });
    }
  }
}
