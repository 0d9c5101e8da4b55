/**
 * How a failure of a `RecordStore` (`app/ports.ts`) reaches the run: a backend words what happened to the
 * record ("could not be read (EACCES)"), the repository says which record it was.
 */
import { StateConflictError, StateStoreError } from './errors.ts';

/**
 * Runs one step on a record: a {@link StateStoreError} comes out prefixed with `subject` ("state",
 * "report file"), a {@link StateConflictError} naming `name` (the appliance, or the fleet-level record).
 */
export async function namedRecordError<T>(subject: string, name: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw renamed(subject, name, error);
  }
}

/** {@link namedRecordError} for a failure already caught. */
export function renamed(subject: string, name: string, error: unknown): unknown {
  if (error instanceof StateConflictError) return new StateConflictError(name, { cause: error });
  if (error instanceof StateStoreError) return new StateStoreError(`${subject} ${error.message}`, { cause: error });
  return error;
}
