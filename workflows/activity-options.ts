import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Options for the activities every lifecycle calls (recording a transition, sending an email):
 * a database or mail relay outage is waited out with backoff and no attempt limit, never lost;
 * business failures are non-retryable ApplicationFailures and stop at once.
 */
export const durableActivity: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: ['NoRecipient', 'UnknownTemplate'] },
};
