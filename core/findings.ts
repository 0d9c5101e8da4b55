/**
 * The policy findings of one certificate file (docs/reference.md, Certificate findings): weak keys and
 * signatures, over-long or impossible validity, a name that does not match, a chain certificate that
 * expires before the leaf. Pure: computed for every certificate read, whether or not a policy is set;
 * only with a policy are they logged and forwarded (core/findingPolicy.ts).
 */
import { FINDING_NAMES, type FindingName } from '../protocol/notificationV2.ts';
import { commonName } from './commonName.ts';
import { keyBits } from './keyBits.ts';
import { nameMatches } from './nameMatches.ts';
import { formatOpensslDate } from './opensslDate.ts';
import { NO_SUBJECT_ALT_NAMES } from './subjectAltNames.ts';
import type { Certificate, CertificateFile, FindingPolicy } from './types.ts';

const MS_PER_DAY = 86_400_000;
/** Longest detail: it reaches log lines, syslog and traps. */
const MAX_DETAIL = 200;

/** One finding: which, and the value found, in words. */
export interface Finding {
  readonly finding: FindingName;
  readonly detail: string;
  /** `chain_expires_first`: the chain certificate that expires first (it may decide the status). */
  readonly chainCertificate?: Certificate;
}

function bounded(text: string): string {
  return text.length <= MAX_DETAIL ? text : `${text.slice(0, MAX_DETAIL - 1)}…`;
}

function weakKey(certificate: Certificate, policy: FindingPolicy): Finding | undefined {
  const { family, bits } = keyBits(certificate.keyType);
  if (bits === undefined || family === 'other') return undefined;
  const minimum = family === 'rsa' ? policy.minRsaBits : policy.minEcBits;
  if (bits >= minimum) return undefined;
  return { finding: 'weak_key', detail: `${certificate.keyType} (policy minimum ${minimum} bits)` };
}

function weakSignature(certificate: Certificate, policy: FindingPolicy): Finding | undefined {
  const hash = certificate.signatureHash;
  if (hash === undefined || hash === '' || !policy.weakSignatures.includes(hash)) return undefined;
  const name = certificate.signatureAlgorithm ?? hash;
  return { finding: 'weak_signature', detail: name === 'rsassaPss' ? `rsassaPss with ${hash}` : name };
}

function validity(certificate: Certificate, policy: FindingPolicy): Finding | undefined {
  const notBefore = certificate.notBefore.getTime();
  const notAfter = certificate.notAfter.getTime();
  if (notBefore >= notAfter) {
    const detail = `notBefore ${formatOpensslDate(certificate.notBefore)} is not before notAfter ${formatOpensslDate(certificate.notAfter)}`;
    return { finding: 'invalid_validity', detail };
  }
  const max = policy.maxValidityDays;
  if (max === undefined || notAfter - notBefore <= max * MS_PER_DAY) return undefined;
  const days = Math.ceil((notAfter - notBefore) / MS_PER_DAY);
  return { finding: 'validity_too_long', detail: `${days} days (policy maximum ${max})` };
}

function nameMismatch(certificate: Certificate, serverName: string | undefined): Finding | undefined {
  if (serverName === undefined || serverName === '') return undefined;
  const names = certificate.subjectAltNames ?? NO_SUBJECT_ALT_NAMES;
  const cn = commonName(certificate.subject);
  if (nameMatches(serverName, names, cn)) return undefined;
  const found = [...names.dns.map((d) => `DNS:${d}`), ...names.ip.map((i) => `IP:${i}`), `CN=${cn}`];
  return { finding: 'name_mismatch', detail: bounded(`${serverName} is not among ${found.join(', ')}`) };
}

/** The chain certificate expiring first, when it expires more than a day before the leaf. */
function chainExpiringFirst(file: CertificateFile): Certificate | undefined {
  const leafNotAfter = file.certificate.notAfter.getTime();
  let first: Certificate | undefined;
  for (const chain of file.chain) {
    if (leafNotAfter - chain.notAfter.getTime() <= MS_PER_DAY) continue;
    if (first === undefined || chain.notAfter.getTime() < first.notAfter.getTime()) first = chain;
  }
  return first;
}

function chainExpiresFirst(file: CertificateFile): Finding | undefined {
  const chain = chainExpiringFirst(file);
  if (chain === undefined) return undefined;
  const cn = commonName(chain.subject) || chain.subject;
  const detail = bounded(`chain certificate ${cn} expires ${formatOpensslDate(chain.notAfter)}, before the leaf`);
  return { finding: 'chain_expires_first', detail, chainCertificate: chain };
}

/**
 * Every finding of `file` under `policy`, in the order of FINDING_NAMES; `serverName` is the
 * inventory's (none: no `name_mismatch`). Details name the value found and never echo more than
 * {@link MAX_DETAIL} characters.
 */
export function certificateFindings(
  file: CertificateFile,
  policy: FindingPolicy,
  serverName: string | undefined,
): readonly Finding[] {
  const { certificate } = file;
  const found = [
    weakKey(certificate, policy),
    weakSignature(certificate, policy),
    validity(certificate, policy),
    nameMismatch(certificate, serverName),
    chainExpiresFirst(file),
  ];
  return found
    .filter((f): f is Finding => f !== undefined)
    .sort((a, b) => FINDING_NAMES.indexOf(a.finding) - FINDING_NAMES.indexOf(b.finding));
}
