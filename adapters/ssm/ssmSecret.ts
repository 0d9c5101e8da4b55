/**
 * The gateway signing secret from an SSM SecureString parameter (`CERTMONITOR_GATEWAY_SECRET_PARAM`).
 * It is cached across warm invocations for a bounded time, so a rotated secret is picked up within
 * {@link DEFAULT_SECRET_TTL_MS} without a GetParameter call on every run. Failures are never cached.
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { secretFromText } from '../../protocol/signature.ts';
import { awsErrorReason } from '../aws/awsErrorReason.ts';
import { SecretUnavailableError } from '../errors.ts';

/** How long a fetched secret is reused. */
export const DEFAULT_SECRET_TTL_MS = 5 * 60_000;

/** A cached SecureString parameter. */
export class SsmSecret {
  private value?: string;
  private fetchedAt = 0;
  private pending?: Promise<string>;

  constructor(
    private readonly client: SSMClient,
    readonly parameterName: string,
    private readonly options: { readonly ttlMs?: number; readonly clock?: () => number } = {},
  ) {}

  /** The secret (surrounding whitespace trimmed, as the wire protocol defines it); concurrent callers share one fetch. */
  get(): Promise<string> {
    const clock = this.options.clock ?? Date.now;
    if (this.value !== undefined && clock() - this.fetchedAt < (this.options.ttlMs ?? DEFAULT_SECRET_TTL_MS)) {
      return Promise.resolve(this.value);
    }
    this.pending ??= this.fetch(clock).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetch(clock: () => number): Promise<string> {
    let raw: string | undefined;
    try {
      const answer = await this.client.send(
        new GetParameterCommand({ Name: this.parameterName, WithDecryption: true }),
      );
      raw = answer.Parameter?.Value;
    } catch (error) {
      throw new SecretUnavailableError(`secret parameter could not be read: ${awsErrorReason(error)}`, {
        cause: error,
      });
    }
    const secret = secretFromText(raw ?? '');
    if (secret === '') throw new SecretUnavailableError('secret parameter is empty');
    this.value = secret;
    this.fetchedAt = clock();
    return secret;
  }
}
