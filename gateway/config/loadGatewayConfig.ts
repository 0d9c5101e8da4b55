/**
 * Reading the gateway's YAML file (docs/gateway.md, Configuration reference). Neither a read error nor
 * a syntax error quotes the file's text: it may hold a secret.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { GatewayConfigError } from '../gatewayErrors.ts';
import { buildGatewayConfig, type GatewayConfig } from './gatewayConfig.ts';

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
  try {
    doc = parseYaml(text, { prettyErrors: false });
  } catch (error) {
    // The YAML parser's message can quote the file's text, which may hold a secret.
    const pos = (error as { linePos?: [{ line: number }] }).linePos?.[0]?.line;
    throw new GatewayConfigError(`configuration file is not valid YAML${pos ? ` (line ${pos})` : ''}`, {
      cause: error,
    });
  }
  return buildGatewayConfig(doc, dirname(resolve(file)), env);
}
