/**
 * The common name of a distinguished name in the one-line form certmonitor prints (`C=US, O=Acme,
 * CN=hsm01`, escaped as OpenSSL's `esc_2253,esc_ctrl` options do): the value of the last CN attribute,
 * unescaped, or '' when there is none (as Go's crypto/x509 fills `Subject.CommonName`, which is what
 * x509-certificate-exporter puts in its `subject_CN` label). Pure.
 */

const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;

/**
 * Splits a one-line name into its `TYPE=value` attributes at the RDN separators (`, ` and ` + `) outside
 * escapes. The spaces of a separator are dropped; a value's own edge spaces are escaped, so they stay.
 */
function attributes(name: string): string[] {
  const out: string[] = [];
  let current = '';
  let escapedTail = false;
  const finish = () => out.push(escapedTail ? current : current.replace(/ +$/, ''));
  for (let i = 0; i < name.length; i++) {
    const c = name[i] as string;
    if (c === '\\' && i + 1 < name.length) {
      current += c + (name[i + 1] as string);
      escapedTail = true;
      i++;
    } else if (c === ',' || c === '+') {
      finish();
      current = '';
      escapedTail = false;
    } else if (!(c === ' ' && current === '')) {
      current += c;
      escapedTail = false;
    }
  }
  finish();
  return out;
}

/** Undoes the escaping of one attribute value: `\XX` is a character code, `\c` the character itself. */
function unescapeValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c !== '\\' || i + 1 >= value.length) {
      out += c;
      continue;
    }
    const pair = value.slice(i + 1, i + 3);
    if (HEX_PAIR.test(pair)) {
      out += String.fromCharCode(Number.parseInt(pair, 16));
      i += 2;
    } else {
      out += value[i + 1];
      i++;
    }
  }
  return out;
}

/** The last CN of `name`, unescaped; '' when it has none. */
export function commonName(name: string): string {
  let found = '';
  for (const attribute of attributes(name)) {
    if (attribute.startsWith('CN=')) found = unescapeValue(attribute.slice(3));
  }
  return found;
}
