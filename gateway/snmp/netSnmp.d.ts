/** The small part of net-snmp's API the gateway uses (the package ships no types). */
declare module 'net-snmp' {
  import type { EventEmitter } from 'node:events';

  export interface Varbind {
    oid: string;
    type: number;
    value: unknown;
  }
  export interface Session extends EventEmitter {
    trap(oid: string, varbinds: Varbind[], options: Record<string, unknown>, cb: (error: Error | null) => void): void;
    inform(
      oid: string,
      varbinds: Varbind[],
      options: Record<string, unknown>,
      cb: (error: Error | null, varbinds?: Varbind[]) => void,
    ): void;
    close(): void;
  }
  export interface SessionOptions {
    port?: number;
    trapPort?: number;
    retries?: number;
    timeout?: number;
    backoff?: number;
    transport?: 'udp4' | 'udp6';
    version?: number;
    engineID?: string;
  }
  export interface User {
    name: string;
    level: number;
    authProtocol?: string;
    authKey?: string;
    privProtocol?: string;
    privKey?: string;
  }
  export function createSession(target: string, community: string, options?: SessionOptions): Session;
  export function createV3Session(target: string, user: User, options?: SessionOptions): Session;
  export const Version1: number;
  export const Version2c: number;
  export const Version3: number;
  export const ObjectType: { OctetString: number; Integer: number; [name: string]: number };
  export const SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number };
  export const AuthProtocols: Record<string, string>;
  export const PrivProtocols: Record<string, string>;
  /** The `code` of a ResponseInvalidError (both name → number and number → name). */
  export const ResponseInvalidCode: {
    readonly ENotInTimeWindow: number;
    readonly EAuthFailure: number;
    readonly [name: string]: number | string;
  };
  const snmp: {
    createSession: typeof createSession;
    createV3Session: typeof createV3Session;
    Version1: number;
    Version2c: number;
    Version3: number;
    ObjectType: typeof ObjectType;
    SecurityLevel: typeof SecurityLevel;
    AuthProtocols: typeof AuthProtocols;
    PrivProtocols: typeof PrivProtocols;
    ResponseInvalidCode: typeof ResponseInvalidCode;
  };
  export default snmp;
}
