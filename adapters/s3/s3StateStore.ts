/**
 * Per-appliance state in S3 (`s3://bucket/prefix/`): one object `{prefix}{appliance}.json` each, so runs
 * touch only what changed and two overlapping runs contend per appliance, not for the whole fleet.
 * Writes are conditional (`If-Match` the ETag read, or `If-None-Match: *` for a new record): the loser of a
 * race gets {@link StateConflictError} instead of silently overwriting the winner (docs/design.md, State).
 */
import { GetObjectCommand, PutObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { StateConflictError, StateStoreError } from '../../app/errors.ts';
import type {
  LoadedInventoryReport,
  LoadedState,
  LoadedTrapHostReport,
  ReportStore,
  StateStore,
} from '../../app/ports.ts';
import type { InventoryReport } from '../../core/inventoryReport.ts';
import type { TrapHostReport } from '../../core/trapHostReport.ts';
import type { ApplianceState } from '../../core/types.ts';
import { isApplianceName } from '../../protocol/notification.ts';
import { awsErrorReason, errorNameOf, httpStatusOf } from '../aws/awsErrorReason.ts';
import { MAX_REPORT_FILE_BYTES, REPORT_FOLDER, recordAppliance, reportFileName } from '../reportLayout.ts';
import * as records from '../stateRecord.ts';
import { isS3NotFound, readBodyCapped } from './s3Client.ts';
import type { S3Location } from './s3Location.ts';

/** How this store words a record it cannot decode (the `stateReset` reasons). */
const WORDING = { tooLarge: 'record too large', notJson: 'not valid JSON' } as const;

/** {@link StateStore} over an S3 prefix with conditional writes, with the fleet report under `_report/`. */
export class S3StateStore implements StateStore, ReportStore {
  readonly description: string;
  readonly reportDescription: string;

  constructor(
    private readonly client: S3Client,
    private readonly location: S3Location,
  ) {
    this.description = `s3://${location.bucket}/${location.prefix}`;
    this.reportDescription = `${this.description}${REPORT_FOLDER}/`;
  }

  private reportKey(name: string): string {
    return `${this.location.prefix}${REPORT_FOLDER}/${reportFileName(name)}`;
  }

  /**
   * Every appliance with a record: the `{prefix}{appliance}.json` keys directly under the prefix (the
   * delimiter keeps the listing out of `_report/`), one request per 1,000 keys.
   */
  async *list(): AsyncIterable<string> {
    const { bucket, prefix } = this.location;
    try {
      const pages = paginateListObjectsV2({ client: this.client }, { Bucket: bucket, Prefix: prefix, Delimiter: '/' });
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          const appliance = recordAppliance(object.Key?.slice(prefix.length) ?? '');
          if (appliance !== undefined) yield appliance;
        }
      }
    } catch (error) {
      if (error instanceof StateStoreError) throw error;
      throw new StateStoreError(`state could not be listed: ${awsErrorReason(error)}`, { cause: error });
    }
  }

  /** Writes a report file with one PUT (S3 replaces an object whole); no-cache, so a browser shows the latest. */
  async writeReportFile(name: string, body: string, contentType: string): Promise<void> {
    const command = new PutObjectCommand({
      Bucket: this.location.bucket,
      Key: this.reportKey(name),
      Body: body,
      ContentType: contentType,
      CacheControl: 'no-cache',
    });
    try {
      await this.client.send(command);
    } catch (error) {
      throw new StateStoreError(`report file could not be written: ${awsErrorReason(error)}`, { cause: error });
    }
  }

  /** A report file's content, or undefined when there is none. */
  async readReportFile(name: string): Promise<string | undefined> {
    let bytes: Uint8Array;
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: this.reportKey(name) }),
      );
      if (!answer.Body) return '';
      bytes = await readBodyCapped(answer.Body as AsyncIterable<Uint8Array>, MAX_REPORT_FILE_BYTES);
    } catch (error) {
      if (isS3NotFound(error)) return undefined;
      if (error instanceof StateStoreError) throw error;
      throw new StateStoreError(`report file could not be read: ${awsErrorReason(error)}`, { cause: error });
    }
    if (bytes.length > MAX_REPORT_FILE_BYTES) throw new StateStoreError('report file is too large');
    return new TextDecoder().decode(bytes);
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
      bytes = await readBodyCapped(answer.Body as AsyncIterable<Uint8Array>, records.MAX_STATE_BYTES);
    } catch (error) {
      if (isS3NotFound(error)) return {};
      if (error instanceof StateStoreError) throw error;
      throw new StateStoreError(`state could not be read: ${awsErrorReason(error)}`, { cause: error });
    }
    return records.decodeStateRecord(bytes, etag, WORDING);
  }

  /** Conditional write: `If-Match` the loaded ETag, or `If-None-Match: *` when no record existed. */
  async save(appliance: string, state: ApplianceState, expectedVersion: string | undefined): Promise<void> {
    await this.put(this.key(appliance), appliance, JSON.stringify(state), expectedVersion);
  }

  /** The fleet-level inventory report (`{prefix}_inventory.json`) and its ETag. */
  async loadInventoryReport(): Promise<LoadedInventoryReport> {
    const record = await this.getFleetRecord(records.INVENTORY_REPORT_RECORD);
    return record ? records.decodeInventoryReport(record.bytes, record.etag) : {};
  }

  /** Writes the inventory report conditionally, like {@link S3StateStore.save}. */
  async saveInventoryReport(report: InventoryReport | undefined, expectedVersion: string | undefined): Promise<void> {
    const key = this.fleetRecordKey(records.INVENTORY_REPORT_RECORD);
    await this.put(key, records.INVENTORY_REPORT_RECORD, records.encodeInventoryReport(report), expectedVersion);
  }

  /** The fleet-level record of failing trap hosts (`{prefix}_trapHosts.json`) and its ETag. */
  async loadTrapHostReport(): Promise<LoadedTrapHostReport> {
    const record = await this.getFleetRecord(records.TRAP_HOST_REPORT_RECORD);
    return record ? records.decodeTrapHostReport(record.bytes, record.etag) : { report: { hosts: {} } };
  }

  /** Writes the trap host record conditionally, like {@link S3StateStore.save}. */
  async saveTrapHostReport(report: TrapHostReport, expectedVersion: string | undefined): Promise<void> {
    const key = this.fleetRecordKey(records.TRAP_HOST_REPORT_RECORD);
    await this.put(key, records.TRAP_HOST_REPORT_RECORD, records.encodeTrapHostReport(report), expectedVersion);
  }

  private fleetRecordKey(name: string): string {
    return `${this.location.prefix}${name}`;
  }

  /** A fleet-level record's bytes (capped) and ETag, or undefined when there is none. */
  private async getFleetRecord(name: string): Promise<{ bytes: Uint8Array; etag?: string } | undefined> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: this.fleetRecordKey(name) }),
      );
      const body = answer.Body as AsyncIterable<Uint8Array> | undefined;
      const bytes = body ? await readBodyCapped(body, records.MAX_STATE_BYTES) : new Uint8Array(0);
      return answer.ETag === undefined ? { bytes } : { bytes, etag: answer.ETag };
    } catch (error) {
      if (isS3NotFound(error)) return undefined;
      throw new StateStoreError(`state could not be read: ${awsErrorReason(error)}`, { cause: error });
    }
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
