/**
 * Certificates read and evaluated per second by the runtime-neutral core, on a mixed RSA / EC / EdDSA
 * set of PEM files, side by side in one run with Node's X509Certificate (parse, validTo, fingerprint256)
 * with the core of an earlier commit (PARSE_BASELINE_REF, exported with `git archive`), and with one
 * `openssl x509 -noout -enddate -fingerprint -sha256` process per certificate. The core, the earlier core and
 * X509Certificate are measured in alternating rounds, and each ratio is the median of the rounds' own
 * ratios, so a moment when the shared machine is busy lands on every side.
 * Run: node --import tsx bench/parse.ts (writes bench/results/parse.json).
 */
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { evaluate } from '../core/evaluate.ts';
import { exportCommit } from './baselineBuild.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const FIXTURES = join(HERE, '../test/fixtures/certs');
/** The mixed set: RSA-2048, EC P-256 (a CA-issued server certificate and a self-signed one), P-384, P-521, Ed25519, Ed448. */
const SET = ['rsa2048.pem', 'leaf.pem', 'ecp256.pem', 'ecp384.pem', 'ecp521.pem', 'ed25519.pem', 'ed448.pem'];
const NOW = new Date('2026-11-24T12:00:00Z');
/** Target time per in-process measurement, after warm-up. */
const MEASURE_MS = 1000;
const OPENSSL_RUNS = 100;
/** Alternating rounds of the core and X509Certificate. */
const ROUNDS = 5;
/**
 * The commit whose core today's is compared with: the last one before the reader learnt signature
 * algorithms and SAN entries (docs/reference.md, Certificate findings).
 */
const PARSE_BASELINE_REF = process.env.BENCH_PARSE_BASELINE_REF ?? '9d6745f';

type Evaluate = typeof evaluate;
const baselineEvaluate: Evaluate = (
  (await import(pathToFileURL(join(exportCommit(PARSE_BASELINE_REF), 'core', 'evaluate.ts')).href)) as {
    evaluate: Evaluate;
  }
).evaluate;

/** Runs `body` over the set until MEASURE_MS have passed; returns certificates per second. */
function rate(inputs: readonly Uint8Array[], body: (bytes: Uint8Array) => unknown): number {
  let sink = 0;
  // Warm-up lets the JIT settle before timing.
  for (let i = 0; i < 2000; i++) sink += body(inputs[i % inputs.length] as Uint8Array) ? 1 : 0;
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MEASURE_MS) {
    for (let i = 0; i < 1000; i++) sink += body(inputs[(count + i) % inputs.length] as Uint8Array) ? 1 : 0;
    count += 1000;
    elapsed = performance.now() - start;
  }
  if (sink < 0) throw new Error('unreachable');
  return (count / elapsed) * 1000;
}

function evaluatedBy(evaluateWith: Evaluate): (bytes: Uint8Array) => unknown {
  return (bytes) => {
    const e = evaluateWith({ kind: 'found', bytes }, 30, NOW);
    if (e.status === 'invalid') throw new Error(`core could not read a bench certificate: ${e.error}`);
    return e.certificate?.fingerprintSha256;
  };
}
const core = evaluatedBy(evaluate);
const baselineCore = evaluatedBy(baselineEvaluate);

function x509(bytes: Uint8Array): unknown {
  const cert = new X509Certificate(bytes);
  const notAfter = new Date(cert.validTo);
  return cert.fingerprint256.length + notAfter.getTime();
}

function opensslFork(inputs: readonly Uint8Array[]): number {
  if (spawnSync('openssl', ['version']).error) throw new Error('openssl is not installed: apt-get install openssl');
  const start = performance.now();
  for (let i = 0; i < OPENSSL_RUNS; i++) {
    const out = spawnSync('openssl', ['x509', '-noout', '-enddate', '-fingerprint', '-sha256'], {
      input: inputs[i % inputs.length],
    });
    if (out.status !== 0) throw new Error('openssl x509 failed on a bench certificate');
  }
  return (OPENSSL_RUNS / (performance.now() - start)) * 1000;
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

/**
 * The core's rate over the earlier core's, interleaved finely: slices of 500 certificates each, in turns
 * (swapping which goes first), timed separately and summed over `MEASURE_MS` per round. A moment when the
 * shared machine is busy then lands on both sides almost equally, which whole-second rounds cannot ensure.
 */
function interleavedRatio(inputs: readonly Uint8Array[]): number {
  const slice = (body: (bytes: Uint8Array) => unknown, from: number): number => {
    const start = performance.now();
    let sink = 0;
    for (let i = 0; i < 500; i++) sink += body(inputs[(from + i) % inputs.length] as Uint8Array) ? 1 : 0;
    if (sink < 0) throw new Error('unreachable');
    return performance.now() - start;
  };
  for (let i = 0; i < 4; i++) {
    slice(core, i);
    slice(baselineCore, i);
  }
  let coreMs = 0;
  let baselineMs = 0;
  const start = performance.now();
  for (let turn = 0; performance.now() - start < MEASURE_MS * 2; turn++) {
    if (turn % 2 === 0) {
      coreMs += slice(core, turn);
      baselineMs += slice(baselineCore, turn);
    } else {
      baselineMs += slice(baselineCore, turn);
      coreMs += slice(core, turn);
    }
  }
  return baselineMs / coreMs;
}

interface SideBySide {
  readonly core: number;
  readonly baseline: number;
  readonly x509: number;
  readonly ratio: number;
  readonly ratios: string;
  readonly vsBaseline: number;
  readonly vsBaselineRuns: string;
  readonly vsBaselineInterleaved: number;
  readonly vsBaselineInterleavedRuns: string;
}

/** Core, earlier core and X509Certificate rates over `inputs` in alternating rounds: medians, and each round's ratios. */
function sideBySide(inputs: readonly Uint8Array[]): SideBySide {
  const cores: number[] = [];
  const baselines: number[] = [];
  const x509s: number[] = [];
  const interleaved: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // The two cores swap places every round, so neither always runs first after X509Certificate.
    if (round % 2 === 0) {
      cores.push(rate(inputs, core));
      baselines.push(rate(inputs, baselineCore));
    } else {
      baselines.push(rate(inputs, baselineCore));
      cores.push(rate(inputs, core));
    }
    x509s.push(rate(inputs, x509));
    interleaved.push(interleavedRatio(inputs));
  }
  const ratios = cores.map((c, i) => c / (x509s[i] as number));
  const vsBaseline = cores.map((c, i) => c / (baselines[i] as number));
  return {
    core: median(cores),
    baseline: median(baselines),
    x509: median(x509s),
    ratio: median(ratios),
    ratios: ratios.map((r) => r.toFixed(2)).join(' '),
    vsBaseline: median(vsBaseline),
    vsBaselineRuns: vsBaseline.map((r) => r.toFixed(3)).join(' '),
    vsBaselineInterleaved: median(interleaved),
    vsBaselineInterleavedRuns: interleaved.map((r) => r.toFixed(3)).join(' '),
  };
}

/** Runs the benchmark and returns its figures. */
export async function run(): Promise<Record<string, number | string>> {
  const pems = SET.map((f) => new Uint8Array(readFileSync(join(FIXTURES, f))));
  const ders = SET.map((f) => new Uint8Array(new X509Certificate(readFileSync(join(FIXTURES, f))).raw));
  const pem = sideBySide(pems);
  const der = sideBySide(ders);
  const opensslForkPerSecond = opensslFork(pems);
  const round = (n: number, digits = 1): number => Number(n.toFixed(digits));
  return {
    input: `${SET.length} PEM certificates (RSA-2048, EC P-256 x2, P-384, P-521, Ed25519, Ed448), evaluated at ${NOW.toISOString()}`,
    coreCertsPerSecond: Math.round(pem.core),
    x509CertsPerSecond: Math.round(pem.x509),
    opensslForkPerSecond: round(opensslForkPerSecond),
    vsX509Certificate: round(pem.ratio, 2),
    vsX509CertificateRuns: pem.ratios,
    vsOpensslFork: round(pem.core / opensslForkPerSecond, 0),
    coreMicrosecondsPerCert: round(1e6 / pem.core, 2),
    baselineRef: PARSE_BASELINE_REF,
    baselineCoreCertsPerSecond: Math.round(pem.baseline),
    vsBaseline: round(pem.vsBaseline, 3),
    vsBaselineRuns: pem.vsBaselineRuns,
    vsBaselineInterleaved: round(pem.vsBaselineInterleaved, 3),
    vsBaselineInterleavedRuns: pem.vsBaselineInterleavedRuns,
    baselineCoreDerCertsPerSecond: Math.round(der.baseline),
    vsBaselineDer: round(der.vsBaseline, 3),
    vsBaselineDerRuns: der.vsBaselineRuns,
    vsBaselineDerInterleaved: round(der.vsBaselineInterleaved, 3),
    vsBaselineDerInterleavedRuns: der.vsBaselineInterleavedRuns,
    coreDerCertsPerSecond: Math.round(der.core),
    x509DerCertsPerSecond: Math.round(der.x509),
    vsX509CertificateDer: round(der.ratio, 2),
    vsX509CertificateDerRuns: der.ratios,
    node: process.version,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run();
  writeFileSync(join(HERE, 'results/parse.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
