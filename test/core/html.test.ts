import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base64, escapeHtml } from '../../core/html.ts';

test('escapeHtml leaves no markup character and no control character', () => {
  assert.equal(
    escapeHtml(`<img src=x onerror="alert('1')">&`),
    '&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;',
  );
  assert.equal(escapeHtml('a\u0000b\u2028c\td\ne'), 'a&#xFFFD;b&#xFFFD;c\td\ne');
});

test('characters above U+00FF become numeric entities, so a page stays a one-byte string', () => {
  assert.equal(
    escapeHtml('Zürich – Москва 🔒'),
    'Zürich &#x2013; &#x41C;&#x43E;&#x441;&#x43A;&#x432;&#x430; &#x1F512;',
  );
  assert.match(escapeHtml('CN=Ωmega, O=\u{1F512} Corp'), /^[\u0000-\u00ff]*$/);
});

test('base64 matches Node for every length remainder', () => {
  for (const length of [0, 1, 2, 3, 31, 32, 33]) {
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + 11) & 0xff);
    assert.equal(base64(bytes), Buffer.from(bytes).toString('base64'));
  }
});
