/**
 * The CLI's one error: a configuration or usage error. The CLI prints its message (which names the bad
 * value) and exits 2. Errors of the layers below that are the operator's to fix (ConfigError, an invalid
 * inventory, a gateway configuration error) are turned into this one by the subcommands.
 */
import { errorClass } from '../core/errors.ts';

/** Exit status 2 with `certmonitor: {message}` on stderr. */
export class UsageError extends errorClass('UsageError', 'CM_ERR_USAGE') {}
