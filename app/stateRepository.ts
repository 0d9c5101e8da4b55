/**
 * Everything a run keeps, over one `RecordStore` (docs/design.md, State): the key of each record, how its
 * bytes decode (untrusted JSON is validated here, never in the policy), how a lost race is reported, and
 * the fleet report's files. A backend only stores bytes, so a new one is one small file.
 *
 * The keys, the same in every backend: `{appliance}.json` per appliance, `_inventory.json` and
 * `_trapHosts.json` for the fleet, and `_report/` for the report and the parts of a sharded run. `_`
 * cannot start an appliance name, so the fleet's records never meet an appliance's.
 */
import type { ClientState } from '../core/clientState.ts';
import type { InventoryReport } from '../core/inventoryReport.ts';
import type { TrapHostReport } from '../core/trapHostReport.ts';
import type { ApplianceState } from '../core/types.ts';
import { isApplianceName } from '../protocol/notification.ts';
import { CLIENT_RECORDS, clientKey, decodeClientRecord, type LoadedClientState } from './clientRecord.ts';
import { StateStoreError } from './errors.ts';
import { namedRecordError, renamed } from './namedRecordError.ts';
import type {
  LoadedInventoryReport,
  LoadedState,
  LoadedTrapHostReport,
  RecordStore,
  ReportStore,
  StateStore,
} from './ports.ts';
import { ReportFolder } from './reportFolder.ts';
import {
  decodeInventoryReport,
  decodeStateRecord,
  decodeTrapHostReport,
  encodeInventoryReport,
  encodeTrapHostReport,
  INVENTORY_REPORT_RECORD,
  MAX_STATE_BYTES,
  type StateRecordWording,
  TRAP_HOST_REPORT_RECORD,
} from './stateRecord.ts';

/** The report folder's name inside a state location. */
const REPORT_FOLDER = '_report';

/**
 * How a backend's records have always looked, kept so that state written before reads and is rewritten
 * byte for byte the same: whether each JSON record ends with a newline (files an operator opens), and the
 * `stateReset` reasons for a record too large or not JSON.
 */
export interface RecordFormat {
  readonly newline: boolean;
  readonly wording: StateRecordWording;
}

/** The appliance whose record a key (`hsm01.json`) is, or undefined for anything else. */
function recordAppliance(key: string): string | undefined {
  if (!key.endsWith('.json')) return undefined;
  const name = key.slice(0, -'.json'.length);
  return isApplianceName(name) ? name : undefined;
}

/** {@link StateStore} and {@link ReportStore} of a state location, over its {@link RecordStore}. */
export class StateRepository implements StateStore, ReportStore {
  readonly description: string;
  readonly reportDescription: string;
  private readonly reports: ReportFolder;

  constructor(
    private readonly records: RecordStore,
    private readonly format: RecordFormat,
  ) {
    this.description = records.description;
    this.reports = new ReportFolder(records, `${REPORT_FOLDER}/`);
    this.reportDescription = this.reports.reportDescription;
  }

  /** The stored record, its version, or a short reason when it exists but is not a valid record. */
  async load(appliance: string): Promise<LoadedState> {
    const record = await this.read(applianceKey(appliance), appliance);
    return record ? decodeStateRecord(record.bytes, record.version, this.format.wording) : {};
  }

  /** Writes `state` if the record is still at `expectedVersion` (undefined: still absent). */
  async save(appliance: string, state: ApplianceState, expectedVersion: string | undefined): Promise<void> {
    await this.write(applianceKey(appliance), appliance, JSON.stringify(state), expectedVersion);
  }

  /** Every appliance with a record, streamed; the fleet's records and the report folder are not appliances. */
  async *list(): AsyncIterable<string> {
    try {
      for await (const key of this.records.list('')) {
        const appliance = recordAppliance(key);
        if (appliance !== undefined) yield appliance;
      }
    } catch (error) {
      throw renamed('state', '', error);
    }
  }

  /** The fleet-level inventory report (`_inventory.json`) and its version. */
  async loadInventoryReport(): Promise<LoadedInventoryReport> {
    const record = await this.read(INVENTORY_REPORT_RECORD, INVENTORY_REPORT_RECORD);
    return record ? decodeInventoryReport(record.bytes, record.version) : {};
  }

  /** Writes the inventory report if the record is still at `expectedVersion` (undefined `report`: nothing reported). */
  async saveInventoryReport(report: InventoryReport | undefined, expectedVersion: string | undefined): Promise<void> {
    const text = encodeInventoryReport(report);
    await this.write(INVENTORY_REPORT_RECORD, INVENTORY_REPORT_RECORD, text, expectedVersion);
  }

  /** The fleet-level record of failing trap hosts (`_trapHosts.json`) and its version. */
  async loadTrapHostReport(): Promise<LoadedTrapHostReport> {
    const record = await this.read(TRAP_HOST_REPORT_RECORD, TRAP_HOST_REPORT_RECORD);
    return record ? decodeTrapHostReport(record.bytes, record.version) : { report: { hosts: {} } };
  }

  /** Writes the trap host record if it is still at `expectedVersion`. */
  async saveTrapHostReport(report: TrapHostReport, expectedVersion: string | undefined): Promise<void> {
    const text = encodeTrapHostReport(report);
    await this.write(TRAP_HOST_REPORT_RECORD, TRAP_HOST_REPORT_RECORD, text, expectedVersion);
  }

  /** A Luna client's record (`_clients/{client}.json`) and its version. */
  async loadClient(client: string): Promise<LoadedClientState> {
    const record = await this.read(clientKey(client), client);
    return record ? decodeClientRecord(record.bytes, record.version, MAX_STATE_BYTES) : {};
  }

  /** Every client with a record (`_clients/{client}.json`), streamed; none when the folder is absent. */
  async *listClients(): AsyncIterable<string> {
    try {
      for await (const key of this.records.list(CLIENT_RECORDS)) {
        const client = recordAppliance(key.slice(key.lastIndexOf('/') + 1));
        if (client !== undefined) yield client;
      }
    } catch (error) {
      throw renamed('state', CLIENT_RECORDS, error);
    }
  }

  /** Writes a client's record if it is still at `expectedVersion` (undefined: still absent). */
  async saveClient(client: string, state: ClientState, expectedVersion: string | undefined): Promise<void> {
    await this.write(clientKey(client), client, JSON.stringify(state), expectedVersion);
  }

  /** The local file of a report file, when the location has local files. */
  reportPath(name: string): string | undefined {
    return this.reports.reportPath(name);
  }

  /** Writes a report file into `_report/` whole. */
  writeReportFile(name: string, body: string, contentType: string): Promise<void> {
    return this.reports.writeReportFile(name, body, contentType);
  }

  /** A report file's content, or undefined when there is none. */
  readReportFile(name: string): Promise<string | undefined> {
    return this.reports.readReportFile(name);
  }

  private read(key: string, name: string) {
    return namedRecordError('state', name, () => this.records.read(key, MAX_STATE_BYTES));
  }

  private async write(key: string, name: string, text: string, expectedVersion: string | undefined): Promise<void> {
    const bytes = new TextEncoder().encode(this.format.newline ? `${text}\n` : text);
    await namedRecordError('state', name, () => this.records.writeIf(key, bytes, expectedVersion, 'application/json'));
  }
}

/** The key of an appliance's record; a name that is not an appliance's never becomes a key. */
function applianceKey(appliance: string): string {
  if (!isApplianceName(appliance)) throw new StateStoreError('invalid appliance name');
  return `${appliance}.json`;
}
