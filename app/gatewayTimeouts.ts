/**
 * How long the check waits on the gateway (docs/reference.md, Configuration: `CERTMONITOR_GATEWAY_TIMEOUT_MS`).
 * The gateway answers a request once every trap host acknowledged or its inform retries ran out: with
 * the shipped example's inform settings (timeoutMs 2000, backoff 2, retries 3) the worst is
 * 2 + 4 + 8 + 16 = 30 s. A client that gives up sooner resends a request the gateway is still working on.
 */

/** The answer timeout's default: the example's worst inform time (30 s) and room for the journal and syslog. */
export const DEFAULT_GATEWAY_TIMEOUT_MS = 45_000;

/** Bounds of `CERTMONITOR_GATEWAY_TIMEOUT_MS`. */
export const MIN_GATEWAY_TIMEOUT_MS = 1_000;
export const MAX_GATEWAY_TIMEOUT_MS = 600_000;

/** Connecting (TCP and TLS) to the gateway; a connection not up by then is retried. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
