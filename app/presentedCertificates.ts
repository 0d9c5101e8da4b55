/**
 * The certificate each appliance presents now, for the clients' trust check (docs/clients.md, How trust
 * is decided): read from the check's source once per appliance per run, whichever client lists it, so
 * 100 clients listing the same 20 appliances cost 20 reads. Reading it again (rather than keeping every
 * certificate the appliances' part of the run read) holds no certificate bytes during that part, works
 * the same in a sharded run's assembling step, and sees a certificate the run's cache did not fetch.
 * The chain the appliance presents with its certificate (the rest of its server.pem) is kept too: a
 * client whose bundle holds the root trusts a certificate issued by an intermediate the appliance presents.
 */
import { readCertificateFile } from '../core/readCertificateFile.ts';
import type { CertificateFile } from '../core/types.ts';
import type { CertificateSource } from './ports.ts';

/** The certificates read so far, by appliance; undefined when an appliance's could not be read. */
export class PresentedCertificates {
  private readonly read = new Map<string, Promise<CertificateFile | undefined>>();

  constructor(private readonly source: CertificateSource) {}

  /** The certificate `appliance` presents and its chain, or undefined when missing, invalid or unavailable. */
  get(appliance: string): Promise<CertificateFile | undefined> {
    let found = this.read.get(appliance);
    if (!found) {
      found = this.fetch(appliance);
      this.read.set(appliance, found);
    }
    return found;
  }

  private async fetch(appliance: string): Promise<CertificateFile | undefined> {
    try {
      const result = await this.source.fetch(appliance);
      return result.kind === 'found' ? readCertificateFile(result.bytes) : undefined;
    } catch {
      return undefined;
    }
  }
}
