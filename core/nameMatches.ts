/**
 * Whether a certificate is for a name (docs/reference.md, Certificate findings): RFC 6125's rules as TLS
 * clients apply them. A DNS name matches a SAN DNS entry case-insensitively, a wildcard only as the whole
 * left-most label (`*.example.com` matches `hsm01.example.com`, not `example.com` nor `a.b.example.com`);
 * an IP address matches a SAN IP entry. The subject's CN counts too (with the same rules), as Luna
 * clients and older TLS stacks still accept it.
 */
import type { SubjectAltNames } from './subjectAltNames.ts';
import { formatIpAddress } from './subjectAltNames.ts';

function ipv4Bytes(name: string): Uint8Array | undefined {
  const parts = name.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return new Uint8Array(parts.map(Number));
}

function ipv6Bytes(name: string): Uint8Array | undefined {
  if (!/^[0-9A-Fa-f:]+$/.test(name) || !name.includes(':')) return undefined;
  const halves = name.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return undefined;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = Number.parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

/** The name in the form SAN IP entries are kept in (`10.0.0.5`, `2001:DB8:0:0:0:0:0:1`), if it is an address. */
export function ipAddressForm(name: string): string | undefined {
  const bytes = ipv4Bytes(name) ?? ipv6Bytes(name.replace(/^\[|\]$/g, ''));
  return bytes === undefined ? undefined : formatIpAddress(bytes);
}

/** True when `pattern` (a SAN DNS entry or a CN) matches the host name `name`. */
export function dnsNameMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const n = name.toLowerCase().replace(/\.$/, '');
  if (!p.startsWith('*.')) return p === n;
  const rest = p.slice(2);
  // A wildcard covers exactly one label, and never a bare public suffix (`*.com`).
  if (!rest.includes('.') || rest.includes('*')) return false;
  const dot = n.indexOf('.');
  return dot > 0 && n.slice(dot + 1) === rest;
}

/** True when the certificate with these SAN entries and common name is for `serverName`. */
export function nameMatches(serverName: string, names: SubjectAltNames, commonName: string): boolean {
  const ip = ipAddressForm(serverName);
  if (ip !== undefined) return names.ip.includes(ip) || commonName === serverName;
  if (names.dns.some((entry) => dnsNameMatches(entry, serverName))) return true;
  return commonName !== '' && dnsNameMatches(commonName, serverName);
}
