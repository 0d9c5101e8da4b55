/**
 * What every S3 adapter shares: the client (path-style addressing whenever the endpoint is overridden,
 * so any S3-compatible server works), recognition of "no such object", and bounded reads of object bodies.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { MAX_CERTIFICATE_FILE_BYTES } from '../../core/readCertificateFile.ts';
import { type AwsClientOptions, clientSettings } from '../aws/awsClientOptions.ts';
import { errorNameOf, httpStatusOf } from '../aws/awsErrorReason.ts';
import { oversizeBytes } from '../fleetLayout.ts';

/** Creates the S3 client: endpoint from `AWS_ENDPOINT_URL_S3`, path-style addressing when it is set. */
export function createS3Client(options: AwsClientOptions = {}): S3Client {
  const env = options.env ?? process.env;
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  return new S3Client({ ...clientSettings(options, endpoint), forcePathStyle: Boolean(endpoint) });
}

/** True for the SDK's "no such object" answers (GetObject on an absent key). */
export function isS3NotFound(error: unknown): boolean {
  // The SDK names a service error after S3's own error code, so the name is that code.
  const name = errorNameOf(error);
  return name === 'NoSuchKey' || name === 'NotFound' || httpStatusOf(error) === 404;
}

/**
 * Reads an object body up to `limit` bytes; a longer body is abandoned (and destroyed when it can be)
 * and {@link oversizeBytes} returned.
 */
export async function readBodyCapped(
  body: AsyncIterable<Uint8Array | string>,
  limit = MAX_CERTIFICATE_FILE_BYTES,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    total += bytes.length;
    if (total > limit) {
      (body as { destroy?: () => void }).destroy?.();
      return oversizeBytes(limit);
    }
    chunks.push(bytes);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
