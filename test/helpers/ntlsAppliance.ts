/**
 * Stand-ins for Luna appliances' NTLS service, made of real TLS peers: Debian's `openssl s_server` with
 * `-Verify 1` (a client certificate is required, as NTLS requires one) on a free loopback port, serving
 * certificates made by the openssl CLI (RSA, EC P-256, Ed25519, and chains).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort } from './freePort.ts';
import { requireBinary } from './peerProcess.ts';

/** Key types the appliances' certificates are made with. */
export type KeyKind = 'rsa' | 'p256' | 'ed25519';

/** A certificate and its key on disk, with the certificate's DER. */
export interface IssuedCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  readonly pem: string;
  readonly der: Uint8Array;
}

/** Makes certificates with the openssl CLI in one temporary directory. */
export interface CertificateFactory {
  readonly dir: string;
  /** A self-signed certificate valid for `days` days (at least one) from now. */
  selfSigned(
    name: string,
    kind: KeyKind,
    options?: { days?: number; cn?: string; comment?: string },
  ): IssuedCertificate;
  /** A CA certificate (self-signed when `issuer` is absent). */
  ca(name: string, issuer?: IssuedCertificate): IssuedCertificate;
  /** A leaf certificate issued by `issuer`. */
  issued(name: string, issuer: IssuedCertificate, kind?: KeyKind): IssuedCertificate;
  /** The private key of a certificate made here, as PEM. */
  readKey(certificate: IssuedCertificate): string;
  /** Writes `text` to a file in the directory and returns its path. */
  file(name: string, text: string): string;
  remove(): void;
}

const KEY_OPTIONS: Record<KeyKind, string[]> = {
  rsa: ['-newkey', 'rsa:2048'],
  p256: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  ed25519: ['-newkey', 'ed25519'],
};

/** The DER of the first certificate in a PEM text. */
export function pemToDer(pem: string): Uint8Array {
  const body = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem)?.[1] ?? '';
  return new Uint8Array(Buffer.from(body.replace(/\s+/g, ''), 'base64'));
}

/** A {@link CertificateFactory} in a fresh temporary directory. */
export function certificateFactory(): CertificateFactory {
  const openssl = requireBinary('openssl', 'openssl');
  const dir = mkdtempSync(join(tmpdir(), 'certmonitor-ntls-'));
  const run = (args: string[]) => execFileSync(openssl, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const load = (name: string): IssuedCertificate => {
    const pem = readFileSync(join(dir, `${name}.pem`), 'utf8');
    return { certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}.key`), pem, der: pemToDer(pem) };
  };
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const sign = (name: string, issuer: IssuedCertificate, kind: KeyKind, extensions: string) => {
    run([
      'req',
      '-new',
      ...KEY_OPTIONS[kind],
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${name}`,
    ]);
    file(`${name}.ext`, extensions);
    run([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      issuer.certFile,
      '-CAkey',
      issuer.keyFile,
      '-CAcreateserial',
      '-days',
      '30',
      '-out',
      `${name}.pem`,
      '-extfile',
      `${name}.ext`,
    ]);
    return load(name);
  };
  return {
    dir,
    selfSigned(name, kind, options = {}) {
      const days = options.days ?? 365;
      run([
        'req',
        '-x509',
        ...KEY_OPTIONS[kind],
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.pem`,
        '-days',
        String(Math.max(1, days)),
        '-subj',
        `/CN=${options.cn ?? name}`,
        ...(options.comment ? ['-addext', `nsComment=${options.comment}`] : []),
      ]);
      return load(name);
    },
    ca(name, issuer) {
      const ext = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n';
      if (issuer) return sign(name, issuer, 'p256', ext);
      run([
        'req',
        '-x509',
        ...KEY_OPTIONS.p256,
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.pem`,
        '-days',
        '30',
        '-subj',
        `/CN=${name}`,
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ]);
      return load(name);
    },
    issued(name, issuer, kind = 'p256') {
      return sign(name, issuer, kind, 'basicConstraints=CA:FALSE\n');
    },
    readKey: (certificate) => readFileSync(certificate.keyFile, 'utf8'),
    file,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** How an `openssl s_server` appliance is started. */
export interface ApplianceOptions {
  readonly certificate: IssuedCertificate;
  /** Certificates sent after the server's own, as a PEM file. */
  readonly chainFile?: string;
  readonly tls?: '1.2' | '1.3';
  /** A fixed port (to restart an appliance where it was); default a free one. */
  readonly port?: number;
  /** CA file whose certificates' holders are "registered" clients (their handshake completes). */
  readonly clientCaFile?: string;
  /** A second certificate, presented to clients that send this SNI host name. */
  readonly sni?: { readonly serverName: string; readonly certificate: IssuedCertificate };
  /** False for a plain TLS service (an appliance's web server): no client certificate is asked for. */
  readonly requireClientCertificate?: boolean;
}

/** A running `openssl s_server` that requires a client certificate. */
export interface RunningAppliance {
  readonly port: number;
  /** What it printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `openssl s_server -Verify 1` (or without it, for plain TLS) on loopback and resolves once it accepts connections. */
export async function startOpensslAppliance(options: ApplianceOptions): Promise<RunningAppliance> {
  const openssl = requireBinary('openssl', 'openssl');
  const port = options.port ?? (await freeTcpPort());
  const args = [
    's_server',
    '-accept',
    `127.0.0.1:${port}`,
    '-cert',
    options.certificate.certFile,
    '-key',
    options.certificate.keyFile,
    // -www answers on its own (never reads stdin), so it serves connection after connection.
    ...(options.requireClientCertificate === false ? [] : ['-Verify', '1']),
    '-www',
    ...(options.chainFile ? ['-cert_chain', options.chainFile] : []),
    ...(options.tls ? [options.tls === '1.2' ? '-tls1_2' : '-tls1_3'] : []),
    ...(options.clientCaFile ? ['-CAfile', options.clientCaFile] : []),
    ...(options.sni
      ? [
          '-servername',
          options.sni.serverName,
          '-cert2',
          options.sni.certificate.certFile,
          '-key2',
          options.sni.certificate.keyFile,
        ]
      : []),
  ];
  const child: ChildProcess = spawn(openssl, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const started = Date.now();
  while (!output.includes('ACCEPT')) {
    if (child.exitCode !== null) throw new Error(`openssl s_server exited: ${output}`);
    if (Date.now() - started > 10_000) throw new Error(`openssl s_server did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    port,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
