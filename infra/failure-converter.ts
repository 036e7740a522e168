/**
 * Failure messages and stack traces are moved into an encoded payload, which the payload codec
 * encrypts: an SMTP refusal naming a recipient or a database error quoting a value must not reach
 * a Temporal history in clear. Loaded by path (`failureConverterPath`) in the workflow bundle too,
 * so it imports nothing but @temporalio/common.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
