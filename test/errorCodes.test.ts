import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as adapterErrors from '../adapters/errors.ts';
import * as appErrors from '../app/errors.ts';
import * as cliErrors from '../cli/usageError.ts';
import * as coreErrors from '../core/errors.ts';
import { CertmonitorError, errorLabel } from '../core/errors.ts';
import * as handlerErrors from '../handlers/errors.ts';

/** One instance of every error class the check side declares, built with a cause. */
function everyError(cause: Error): CertmonitorError[] {
  const errors: CertmonitorError[] = [
    new appErrors.InventoryError('m', { cause, invalidContent: true }),
    new appErrors.InventoryError('m', { cause }),
    new appErrors.StateConflictError('hsm01', { cause }),
  ];
  const modules = [coreErrors, appErrors, adapterErrors, handlerErrors, cliErrors] as const;
  for (const module of modules) {
    for (const [name, value] of Object.entries(module)) {
      if (typeof value !== 'function' || !(value.prototype instanceof CertmonitorError)) continue;
      if (name === 'InventoryError' || name === 'StateConflictError') continue;
      errors.push(
        new (value as new (message: string, options: { cause: unknown }) => CertmonitorError)('m', { cause }),
      );
    }
  }
  return errors;
}

test('every error has a distinct CM_ERR_ code, its class name and its cause', () => {
  const cause = new Error('underlying');
  const errors = everyError(cause);
  assert.equal(errors.length, 23);
  for (const error of errors) {
    assert.match(error.code, /^CM_ERR_[A-Z0-9_]+$/);
    assert.equal(error.name, error.constructor.name);
    assert.equal(error.cause, cause);
  }
  assert.equal(new Set(errors.map((e) => e.code)).size, errors.length);
});

test('docs/reference.md lists every error code once, and no other', () => {
  const reference = readFileSync(new URL('../docs/reference.md', import.meta.url), 'utf8');
  const listed = [...reference.matchAll(/^\| `(CM_ERR_[A-Z0-9_]+)`/gm)].map((m) => m[1]);
  const codes = everyError(new Error()).map((e) => e.code);
  assert.deepEqual([...listed].sort(), [...codes].sort());
});

test('errorLabel names a foreign error by its class only', () => {
  assert.equal(errorLabel(new TypeError('secret text from a file')), 'TypeError');
  assert.equal(errorLabel({ name: 'NotAnError' }), undefined);
  const odd = new Error('x');
  odd.name = 'Name with spaces';
  assert.equal(errorLabel(odd), undefined);
});
