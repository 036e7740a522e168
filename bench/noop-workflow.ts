import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

/**
 * The floor of `bench/lifecycle.ts`: the cheapest workflow a Temporal update-with-start can open.
 * It answers its update at once and ends, so its latency is the server's and the SDK's alone.
 */
export const noopUpdate = defineUpdate<{ ok: true }>('noop');

export async function noopWorkflow(): Promise<void> {
  let answered = false;
  setHandler(noopUpdate, () => {
    answered = true;
    return { ok: true as const };
  });
  await condition(() => answered);
}
