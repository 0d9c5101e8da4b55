/**
 * The CA bundle an HTTPS gateway needs, shipped with the Lambda (docs/aws.md, Deploying to AWS): checked at
 * package time so that a bundle that would be packaged as nothing is refused, naming the parameter.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const { extraCaCertsFile, packageExtraCaCerts } = require('../../deploy/extraCaCerts.cjs') as {
  extraCaCertsFile: (value: unknown, serviceDir: string) => string | undefined;
  packageExtraCaCerts: (serverless: unknown) => void;
};

const dir = mkdtempSync(join(tmpdir(), 'certmonitor-extraca-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
writeFileSync(join(dir, 'key.pem'), '-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n');

describe('extraCaCerts', () => {
  it('is nothing to package when empty', () => {
    assert.equal(extraCaCertsFile('', dir), undefined);
    assert.equal(extraCaCertsFile(undefined, dir), undefined);
  });

  it('gives the relative path of a readable bundle inside the service folder', () => {
    assert.equal(extraCaCertsFile('ca.pem', dir), 'ca.pem');
    assert.equal(extraCaCertsFile('./ca.pem', dir), 'ca.pem');
  });

  it('refuses a file that is missing, outside the service folder, or holds no certificate, naming it', () => {
    assert.throws(() => extraCaCertsFile('certs/none.pem', dir), {
      name: 'ExtraCaCertsError',
      message: "--param extraCaCerts: 'certs/none.pem' cannot be read (ENOENT)",
    });
    assert.throws(() => extraCaCertsFile('/etc/ssl/ca.pem', dir), /must be a path inside the service folder/);
    assert.throws(() => extraCaCertsFile('../ca.pem', dir), /must be a path inside the service folder/);
    const noCert = () => extraCaCertsFile('key.pem', dir);
    assert.throws(noCert, /'key.pem' holds no PEM certificate/);
    assert.throws(noCert, (error: Error) => !error.message.includes('secret'), 'never the content');
  });

  it('adds the bundle to the patterns every zip is built from, once', () => {
    const serverless = {
      serviceDir: dir,
      service: { provider: { environment: { NODE_EXTRA_CA_CERTS: 'ca.pem' } }, package: { individually: true } },
    };
    packageExtraCaCerts(serverless);
    packageExtraCaCerts(serverless);
    assert.deepEqual((serverless.service.package as { patterns?: string[] }).patterns, ['ca.pem']);
  });
});
