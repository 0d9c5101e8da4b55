/**
 * The errors of the check pipeline and its ports (docs/reference.md, Error codes; the model is in `core/errors.ts`).
 * Adapters raise them through the ports; the pipeline and the entry points recognise them by class.
 */
import { sanitizeLogValue } from '../core/catalogue.ts';
import { CertmonitorError, errorClass } from '../core/errors.ts';

/** An invalid or missing setting; the message names the variable or flag and is safe to print. */
export class ConfigError extends errorClass('ConfigError', 'CM_ERR_CONFIG') {}

/**
 * A `fleet.json` inventory that cannot be used; the message names the key path or the read failure and
 * is safe to log. `invalidContent` tells a configuration error (the file says something wrong: the
 * operator must fix it) from a failure to read it (network, permissions: the next run may succeed), and
 * each has its own code.
 */
export class InventoryError extends CertmonitorError {
  readonly invalidContent: boolean;

  constructor(message: string, options?: { cause?: unknown; invalidContent?: boolean }) {
    const invalidContent = options?.invalidContent ?? false;
    super(invalidContent ? 'CM_ERR_INVENTORY_INVALID' : 'CM_ERR_INVENTORY_UNREADABLE', message, options);
    this.name = 'InventoryError';
    this.invalidContent = invalidContent;
  }
}

/** State cannot be read or written for a reason other than a lost race; the message is safe to log. */
export class StateStoreError extends errorClass('StateStoreError', 'CM_ERR_STATE_STORE') {}

/** Raised by a state store's `save` when a conditional write loses a race to another run. */
export class StateConflictError extends CertmonitorError {
  constructor(
    readonly appliance: string,
    options?: { cause?: unknown },
  ) {
    super('CM_ERR_STATE_CONFLICT', `state of appliance ${appliance} was changed by another run`, options);
    this.name = 'StateConflictError';
  }
}

/**
 * The fleet report (docs/monitoring.md, Fleet report) could not be written, read back or assembled; the message says
 * which step failed and is safe to log. The run's checks and notifications are not affected.
 */
export class ReportError extends errorClass('ReportError', 'CM_ERR_REPORT') {}

/** A collector destination could not be read or written; the message is safe to log. */
export class DestinationError extends errorClass('DestinationError', 'CM_ERR_DESTINATION') {}

/** Raised by a destination's `write` when what is stored changed after it was read (another collector wrote). */
export class DestinationConflictError extends errorClass('DestinationConflictError', 'CM_ERR_DESTINATION_CONFLICT') {}

/** One appliance's time ran out during a step of the collector (the message names the step). */
export class DeadlineError extends errorClass('DeadlineError', 'CM_ERR_DEADLINE') {}

/**
 * A run that evaluated no appliance: the source lists no certificate and holds no inventory entry (an empty
 * or mistyped location), and an empty fleet was not declared (docs/monitoring.md, Failure handling). A
 * monitor that watches nothing must not look healthy, so the CLI exits 1 and the Lambda invocation fails.
 */
export class EmptyRunError extends CertmonitorError {
  constructor(source: string, options?: { cause?: unknown }) {
    super(
      'CM_ERR_EMPTY_RUN',
      `no appliance was evaluated: ${sanitizeLogValue(source, 120)} holds no certificate and no inventory entry; ` +
        'if the fleet is empty on purpose, say so with --allow-empty (CERTMONITOR_ALLOW_EMPTY=true)',
      options,
    );
    this.name = 'EmptyRunError';
  }
}

/** `certmonitor report` over a state location that holds no appliance's record: nothing to report. */
export class NoStateError extends CertmonitorError {
  constructor(location: string, options?: { cause?: unknown }) {
    super('CM_ERR_NO_STATE', `no state at ${sanitizeLogValue(location, 120)}: nothing to report`, options);
    this.name = 'NoStateError';
  }
}
