import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

export interface PingInput {
  message: string;
}
export interface PingResult {
  echo: string;
  at: number;
}

const { echo } = proxyActivities<Activities>({ startToCloseTimeout: '10 seconds' });

/** A trivial workflow that proves the worker, the server and an activity are all usable. */
export async function pingWorkflow(input: PingInput): Promise<PingResult> {
  const { echo: text } = await echo({ text: input.message });
  return { echo: text, at: Date.now() };
}
