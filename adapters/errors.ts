/**
 * The errors the adapters raise of their own (docs/reference.md, Error codes; the model is in `core/errors.ts`).
 * Errors the pipeline must recognise (configuration, inventory, state) are the ports' own, in `app/errors.ts`.
 */
import { errorClass } from '../core/errors.ts';

/** A location that is not `s3://bucket[/prefix/]`; the factories report it as a configuration error. */
export class S3LocationError extends errorClass('S3LocationError', 'CM_ERR_S3_LOCATION') {}

/** A location that is not `ssm:/path/`; the factories report it as a configuration error. */
export class SsmLocationError extends errorClass('SsmLocationError', 'CM_ERR_SSM_LOCATION') {}

/** The signing secret cannot be fetched; the message names the parameter, never its value. */
export class SecretUnavailableError extends errorClass('SecretUnavailableError', 'CM_ERR_SECRET_UNAVAILABLE') {}

/** The gateway's answer exceeds what the forwarder reads; the message becomes the delivery's error. */
export class AnswerTooLargeError extends errorClass('AnswerTooLargeError', 'CM_ERR_GATEWAY_ANSWER_TOO_LARGE') {}

/** The `--metrics-textfile` file could not be written; the message names the file system error code. */
export class MetricsTextfileError extends errorClass('MetricsTextfileError', 'CM_ERR_METRICS_TEXTFILE') {}

/**
 * The gateway's TLS certificate is not trusted; the message names the gateway's origin, the TLS code and the
 * setting that fixes it. Not retried at that gateway; a standby is still tried.
 */
export class GatewayUntrustedError extends errorClass('GatewayUntrustedError', 'CM_ERR_GATEWAY_UNTRUSTED') {}
