/**
 * Certificates read live from the appliances (`tls:FLEET.json`, docs/collector.md, Collecting certificates): the
 * fleet is the inventory file's appliances, and each one's certificate is what it presents in its NTLS
 * handshake at `address:ntlsPort`, captured as the collector does. An appliance that cannot be read
 * (no address, refused, timed out, not TLS) is `unavailable`, never `missing`: an unreachable appliance
 * says nothing about its certificate. There is no object version, so every run reads every appliance.
 */

import { startDeadline } from '../../app/deadline.ts';
import { InventoryError } from '../../app/errors.ts';
import { ntlsTargetOf } from '../../app/ntlsTarget.ts';
import type { CertificateCapture, CertificateSource, Inventory, ListedAppliance } from '../../app/ports.ts';
import type { SourceResult } from '../../core/types.ts';
import { readInventoryFile } from '../dir/inventoryFile.ts';

/** Time allowed to one appliance's handshake, whatever it does (as the collector's default). */
export const DEFAULT_CAPTURE_TIMEOUT_MS = 5_000;

/** {@link CertificateSource} over the appliances' NTLS handshakes. */
export class TlsSource implements CertificateSource {
  readonly description: string;
  private inventory: Promise<Inventory> | undefined;

  constructor(
    private readonly file: string,
    private readonly capture: CertificateCapture,
    private readonly timeoutMs = DEFAULT_CAPTURE_TIMEOUT_MS,
  ) {
    this.description = 'tls: (the appliances in the inventory file)';
  }

  /** The inventory file, read once per source (the factory checked that it exists). */
  readInventory(): Promise<Inventory> {
    this.inventory ??= readInventoryFile(this.file).then((inventory) => {
      if (!inventory) throw new InventoryError('the tls: inventory file is gone');
      return inventory;
    });
    return this.inventory;
  }

  /** Every appliance of the inventory, in name order (none has a version). */
  async *list(): AsyncIterable<ListedAppliance> {
    const inventory = await this.readInventory();
    for (const name of Object.keys(inventory.appliances).sort()) yield { name };
  }

  /**
   * The certificate the appliance presents now on its NTLS port (or a named certificate's port); anything
   * that prevents reading it is `unavailable`.
   */
  async fetch(appliance: string, certificate?: string): Promise<SourceResult> {
    const entry = (await this.readInventory()).appliances[appliance];
    const ntls = entry && ntlsTargetOf(entry);
    const port = certificate === undefined ? ntls?.port : entry?.certificates?.[certificate]?.port;
    const target = ntls && port !== undefined ? { ...ntls, port } : undefined;
    if (target === undefined) return { kind: 'unavailable', reason: 'the inventory gives no address for it' };
    const deadline = startDeadline(this.timeoutMs);
    const result = await this.capture.capture(target, deadline.signal).finally(() => deadline.clear());
    return result.kind === 'captured'
      ? { kind: 'found', bytes: result.pem }
      : { kind: 'unavailable', reason: result.reason };
  }
}
