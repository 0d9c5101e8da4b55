/**
 * What the fleet sources over a location (`dir:`, `s3://`, `ssm:`; docs/reference.md, Configuration) share:
 * an appliance's certificate and a client's file are each one key under the location, formed only from
 * names the layout allows (adapters/sourceKeys.ts), and a listing collects the misplaced certificates it
 * skips. Each source adds its listing and its read of one key.
 */
import type { ClientFile, SkippedKeys } from '../app/ports.ts';
import type { SourceResult } from '../core/types.ts';
import { SkippedKeyCollector } from './skippedKeys.ts';
import { certificateKey, clientKey } from './sourceKeys.ts';

/** The reads by name of a source whose files are keys under one location. */
export abstract class KeyedSource {
  /** The misplaced certificates of the listing in progress or last done. */
  protected readonly skipped = new SkippedKeyCollector();

  /**
   * The bytes of an appliance's `server.pem` (or a named certificate's `NAME.pem`): a name the layout does
   * not allow is missing, never read.
   */
  async fetch(appliance: string, certificate?: string): Promise<SourceResult> {
    const key = certificateKey(appliance, certificate);
    return key === undefined ? { kind: 'missing' } : this.fetchKey(key);
  }

  /** A Luna client's file (docs/clients.md, Collecting a client's files), read as a certificate is. */
  async fetchClientFile(client: string, file: ClientFile): Promise<SourceResult> {
    const key = clientKey(client, file);
    return key === undefined ? { kind: 'missing' } : this.fetchKey(key);
  }

  /** The misplaced certificates the last listing skipped. */
  skippedKeys(): SkippedKeys {
    return this.skipped.snapshot();
  }

  /**
   * One key's bytes, never throwing: absent → missing, over 1 MiB → refused unread (the oversize
   * placeholder), a read that fails → unavailable with a short reason.
   */
  protected abstract fetchKey(key: string): Promise<SourceResult>;
}
