/** What every SSM adapter shares: the client, and recognition of "no such parameter". */
import { SSMClient } from '@aws-sdk/client-ssm';
import { type AwsClientOptions, clientSettings } from '../aws/awsClientOptions.ts';
import { errorNameOf } from '../aws/awsErrorReason.ts';

/** Creates the SSM client (endpoint from `AWS_ENDPOINT_URL_SSM` through the SDK itself). */
export function createSsmClient(options: AwsClientOptions = {}): SSMClient {
  const env = options.env ?? process.env;
  return new SSMClient(clientSettings(options, env.AWS_ENDPOINT_URL_SSM || env.AWS_ENDPOINT_URL));
}

/** True for SSM's answer about an absent parameter. */
export function isParameterNotFound(error: unknown): boolean {
  // The SDK names a service error after SSM's own error code, so the name is that code.
  return errorNameOf(error) === 'ParameterNotFound';
}
