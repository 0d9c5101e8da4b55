import type { TrapHostConfig } from '../../gateway/config/trapHostConfig.ts';

/** An SNMPv2c inform host on loopback `port` that gives up fast: one try of 200 ms, no pacing. */
export const informHost = (label: string, port: number): TrapHostConfig => ({
  label,
  host: '127.0.0.1',
  port,
  version: '2c',
  type: 'inform',
  community: 'public',
  retries: 0,
  timeoutMs: 200,
  backoff: 1,
  maxPerSecond: 0,
});

/**
 * An SNMPv2c inform host on loopback `port` as a gateway configuration file's `trapHosts` entry names it,
 * waiting `timeoutMs` for each of 1 + `retries` tries.
 */
export const informEntry = (name: string, port: number, timeoutMs: number, retries: number) => ({
  name,
  host: '127.0.0.1',
  port,
  version: '2c',
  type: 'inform',
  community: 'public',
  retries,
  timeoutMs,
});
