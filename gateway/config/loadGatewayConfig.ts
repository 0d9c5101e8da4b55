/**
 * Reading the gateway's YAML file (docs/gateway.md, Configuration reference). Neither a read error nor
 * a syntax error quotes the file's text: it may hold a secret. A syntax error gives its line, column
 * and the parser's error code instead (docs/gateway.md, Failure handling).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parse as parseYaml } from 'yaml';
import { GatewayConfigError } from '../gatewayErrors.ts';
import { buildGatewayConfig, type GatewayConfig } from './gatewayConfig.ts';

/** `at line L, column C (CODE)` for a YAML parse error, or '' when the error carries no position. */
function syntaxErrorPlace(error: unknown, lines: LineCounter): string {
  const { pos, code } = error as { pos?: unknown; code?: unknown };
  if (!Array.isArray(pos) || typeof pos[0] !== 'number') return '';
  const { line, col } = lines.linePos(pos[0]);
  // The code is one of the parser's fixed names (BAD_INDENT, DUPLICATE_KEY, …); its message may quote the text.
  const kind = typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code) ? ` (${code})` : '';
  return ` at line ${line}, column ${col}${kind}`;
}

/** Reads and validates the YAML configuration file; throws {@link GatewayConfigError} naming the key. */
export function loadGatewayConfig(file: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new GatewayConfigError(`configuration file cannot be read (${code})`, { cause: error });
  }
  let doc: unknown;
  const lines = new LineCounter();
  try {
    // prettyErrors would append an excerpt of the file to the message: positions come from `lines`.
    doc = parseYaml(text, { prettyErrors: false, lineCounter: lines });
  } catch (error) {
    throw new GatewayConfigError(`configuration file is not valid YAML${syntaxErrorPlace(error, lines)}`, {
      cause: error,
    });
  }
  return buildGatewayConfig(doc, dirname(resolve(file)), env);
}
