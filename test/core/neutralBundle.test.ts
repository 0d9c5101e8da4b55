/**
 * The core must bundle for a Web-standard platform with no Node built-in, and run there (docs/design.md, Certificate evaluation):
 * every core/*.ts is bundled with esbuild for the `neutral` platform (no Node resolution, no `browser`
 * field shims: the core depends on no package at all, node-forge included), and the certificate reader
 * is run inside Cloudflare's workerd runtime on a loopback socket.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { build } from 'esbuild';
import { CHAIN_ALGORITHMS, opensslChain } from '../helpers/opensslChain.ts';

const ROOT = join(import.meta.dirname, '../..');
const CORE = join(ROOT, 'core');
const CORE_FILES = readdirSync(CORE)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(CORE, f));
const dir = mkdtempSync(join(tmpdir(), 'certmonitor-neutral-'));
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Source without comments, so a doc comment mentioning a word is not mistaken for a use. */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('core is runtime-neutral', () => {
  it('has no node: import, Buffer, process or require in any core file', () => {
    assert.ok(CORE_FILES.length > 5);
    for (const file of CORE_FILES) {
      const source = code(file);
      assert.doesNotMatch(source, /from\s+['"]node:|import\(\s*['"]node:|\brequire\s*\(/, file);
      assert.doesNotMatch(source, /\bBuffer\b|\bprocess\b|\b__dirname\b|\bimport\.meta\.(dirname|filename)\b/, file);
      for (const [, specifier] of source.matchAll(/from\s+['"]([^'"]+)['"]/g)) {
        assert.ok(!isBuiltin(specifier ?? ''), `${file} imports the Node built-in ${specifier}`);
      }
    }
  });

  it('bundles every core file for the neutral platform with no Node built-in pulled in', async () => {
    const result = await build({
      entryPoints: CORE_FILES,
      bundle: true,
      platform: 'neutral',
      format: 'esm',
      write: false,
      metafile: true,
      outdir: join(dir, 'out'),
      logLevel: 'silent',
    });
    assert.deepEqual(result.errors, []);
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(inputs.length >= CORE_FILES.length);
    for (const input of inputs) {
      assert.ok(!input.startsWith('node:') && !isBuiltin(input), `bundle pulls in ${input}`);
      for (const imported of result.metafile.inputs[input]?.imports ?? []) {
        assert.ok(!isBuiltin(imported.path) && !imported.external, `${input} imports ${imported.path}`);
      }
    }
  });

  it('reads an EC P-256 certificate inside workerd', async () => {
    const bin = createRequire(import.meta.url)('workerd').default as string;
    const worker = join(dir, 'worker.ts');
    writeFileSync(
      worker,
      `import { evaluate } from ${JSON.stringify(join(CORE, 'evaluate.ts'))};
export default {
  async fetch(request) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    const e = evaluate({ kind: 'found', bytes }, 30, new Date('2026-11-01T00:00:00Z'));
    return Response.json({
      status: e.status,
      notAfter: e.certificate?.notAfter.toISOString(),
      fingerprintSha256: e.certificate?.fingerprintSha256,
      keyType: e.certificate?.keyType,
      subject: e.certificate?.subject,
      error: e.error,
      hasProcess: typeof globalThis.process !== 'undefined',
    });
  },
};
`,
    );
    await build({
      entryPoints: [worker],
      bundle: true,
      platform: 'neutral',
      format: 'esm',
      outfile: join(dir, 'worker.js'),
      logLevel: 'silent',
    });
    const port = await freePort();
    writeFileSync(
      join(dir, 'config.capnp'),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "worker.js") ],
  compatibilityDate = "2024-09-23",
);
`,
    );
    const child = spawn(bin, ['serve', join(dir, 'config.capnp')], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const pem = new Uint8Array(readFileSync(join(ROOT, 'test/fixtures/certs/leaf.pem')));
    const response = await postWithRetry(`http://127.0.0.1:${port}/`, pem, child, () => stderr);
    const body = (await response.json()) as Record<string, unknown>;
    const x509 = new X509Certificate(pem);
    assert.deepEqual(body, {
      status: 'expiring',
      notAfter: new Date(x509.validTo).toISOString(),
      fingerprintSha256: x509.fingerprint256,
      keyType: 'EC P-256',
      subject: 'C=US, O=Acme, CN=hsm01',
      hasProcess: false,
    });
    // And a hostile input is invalid there too, not a crash of the worker.
    const bad = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      body: new Uint8Array(new ArrayBuffer(40_000)).fill(0x30) as Uint8Array<ArrayBuffer>,
    });
    assert.equal(((await bad.json()) as { status: string }).status, 'invalid');
  });
});

describe('the core verifies signatures with WebCrypto inside workerd', () => {
  it('trusts one CA-issued certificate per algorithm (RSA PKCS#1, RSA-PSS, ECDSA P-256/384/521, Ed25519), and says Ed448 cannot be verified', async () => {
    const pki = opensslChain();
    after(() => pki.remove());
    const cases = CHAIN_ALGORITHMS.map((algorithm) => {
      const ca = pki.ca(`ca-${algorithm}`, algorithm);
      return { algorithm, ca, leaf: pki.issue(`ca-${algorithm}`, `hsm-${algorithm}`) };
    });
    const bin = createRequire(import.meta.url)('workerd').default as string;
    const worker = join(dir, 'trust-worker.ts');
    writeFileSync(
      worker,
      `import { trustOf } from ${JSON.stringify(join(CORE, 'clientTrust.ts'))};
import { readCertificateFile } from ${JSON.stringify(join(CORE, 'readCertificateFile.ts'))};
import { webCryptoVerifier } from ${JSON.stringify(join(CORE, 'signatureVerifier.ts'))};
import { readTrustBundle } from ${JSON.stringify(join(CORE, 'trustBundle.ts'))};
export default {
  async fetch(request) {
    const cases = await request.json();
    const encode = (text) => new TextEncoder().encode(text);
    const verify = webCryptoVerifier(crypto.subtle);
    const out = {};
    for (const c of cases) {
      const bundle = readTrustBundle(encode(c.ca));
      const leaf = readCertificateFile(encode(c.leaf)).certificate;
      out[c.algorithm] = (await trustOf(leaf, bundle.certificates, verify)).kind;
    }
    return Response.json(out);
  },
};
`,
    );
    await build({
      entryPoints: [worker],
      bundle: true,
      platform: 'neutral',
      format: 'esm',
      outfile: join(dir, 'trust-worker.js'),
      logLevel: 'silent',
    });
    const port = await freePort();
    writeFileSync(
      join(dir, 'trust.capnp'),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "trust-worker.js") ],
  compatibilityDate = "2024-09-23",
);
`,
    );
    const child = spawn(bin, ['serve', join(dir, 'trust.capnp')], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const body = new TextEncoder().encode(JSON.stringify(cases)) as Uint8Array<ArrayBuffer>;
    const response = await postWithRetry(`http://127.0.0.1:${port}/`, body, child, () => stderr);
    assert.deepEqual(await response.json(), {
      rsa: 'trusted',
      'rsa-pss': 'trusted',
      'ec-p256': 'trusted',
      'ec-p384': 'trusted',
      'ec-p521': 'trusted',
      ed25519: 'trusted',
      ed448: 'unverifiable',
    });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Posts once workerd listens; fails with its stderr if it exits first. */
async function postWithRetry(
  url: string,
  body: Uint8Array<ArrayBuffer>,
  child: ChildProcess,
  stderr: () => string,
): Promise<Response> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) assert.fail(`workerd exited (${child.exitCode}): ${stderr()}`);
    try {
      return await fetch(url, { method: 'POST', body });
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  assert.fail(`workerd did not answer: ${stderr()}`);
}
