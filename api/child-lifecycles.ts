import { WorkflowNotFoundError } from '@temporalio/client';

/**
 * An escalation or a missed-call form is started by its contact's update, which answers in the
 * same workflow task that asks the server to start the child: for a few milliseconds after that
 * answer the server may not know the child yet, although its row (written with the parent's
 * transition) says it is open. An action on it then waits for the start instead of answering 409.
 */
export async function untilChildStarted<R>(update: () => Promise<R>, waitMs = 3000): Promise<R> {
  const until = Date.now() + waitMs;
  for (let delay = 25; ; delay = Math.min(delay * 2, 200)) {
    try {
      return await update();
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError) || Date.now() + delay > until) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
