import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dirDescription } from '../../../adapters/dir/dirFiles.ts';

test('a dir: location is named as the operator gave it, absolute or relative, never cut to its last folder', () => {
  assert.equal(dirDescription('/srv/certmonitor/out2'), 'dir:/srv/certmonitor/out2');
  assert.equal(dirDescription('/srv/certmonitor/out2/'), 'dir:/srv/certmonitor/out2');
  assert.equal(dirDescription('./fleet'), 'dir:./fleet');
  assert.equal(dirDescription('/'), 'dir:/');
  assert.equal(dirDescription('/srv/a\nb'), 'dir:/srv/a b', 'no control character reaches a line');
});
