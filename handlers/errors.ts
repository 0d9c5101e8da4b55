/**
 * The errors of the Lambda entry points (docs/reference.md, Error codes; the model is in `core/errors.ts`). Thrown
 * out of a handler, the error's name is what Lambda reports as `errorType`.
 */
import { errorClass } from '../core/errors.ts';

/** An event whose `time` is present but not an ISO 8601 instant; a replay must not silently use the clock. */
export class EventTimeError extends errorClass('EventTimeError', 'CM_ERR_EVENT_TIME') {}

/** A shard message body that is not a shard message; the message never echoes the body. */
export class ShardMessageError extends errorClass('ShardMessageError', 'CM_ERR_SHARD_MESSAGE') {}

/** Some shard messages could not be queued; the scheduled invocation then fails and is retried. */
export class ShardDispatchError extends errorClass('ShardDispatchError', 'CM_ERR_SHARD_DISPATCH') {}

/**
 * The run finished but did not do everything it had to: a due notification was not delivered, an appliance
 * could not be processed, or the invocation ran out of time. Thrown after the state was saved and the
 * summary written, so the invocation fails (the `Errors` alarm, one retry, then the on-failure queue; a
 * shard's message is retried by SQS) and nothing is lost: the state records only what was delivered.
 */
export class RunIncompleteError extends errorClass('RunIncompleteError', 'CM_ERR_RUN_INCOMPLETE') {}
