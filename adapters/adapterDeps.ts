/** What the adapter factories share: their dependencies, and how a location that cannot be used is refused. */

import { ConfigError } from '../app/errors.ts';

/** What the factories may need besides the location. */
export interface AdapterDeps {
  /** The environment for endpoint overrides (defaults to the process's). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Sockets per AWS client: at least the pipeline's concurrency. */
  readonly maxSockets?: number;
}

/** Parses `spec` with a backend's location parser; a bad one is a {@link ConfigError} naming `setting`. */
export function parseLocation<T>(spec: string, setting: string, parse: (spec: string) => T): T {
  try {
    return parse(spec);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'invalid location';
    throw new ConfigError(`${setting}: ${reason}`, { cause: error });
  }
}
