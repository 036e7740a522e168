import type { Db } from '../infra/db';
import { createPrivacyStore, PrivacyStore } from '../infra/stores/privacy';
import type { ApplyRetentionInput, ApplyRetentionResult } from '../workflows/retention-contract';

/** An email not sent because every recipient is an erased person. */
export interface SuppressedEmail {
  status: 'suppressed';
  messageId: null;
}

/**
 * The notify activity's guard: no email to an erased person's address. Running workflows may still
 * hold the address in memory; the other recipients (offices, supervisors) still get the message.
 */
export async function withoutErasedRecipients<T extends { to: string[]; cc?: string[] }>(
  privacy: PrivacyStore | undefined,
  input: T,
): Promise<{ input: T; suppressed?: SuppressedEmail }> {
  if (!privacy) return { input };
  const erased = await privacy.erasedEmails([...input.to, ...(input.cc ?? [])]);
  if (erased.size === 0) return { input };
  const to = input.to.filter((a) => !erased.has(a));
  const cc = input.cc?.filter((a) => !erased.has(a));
  if (to.length === 0 && (cc ?? []).length === 0) return { input, suppressed: { status: 'suppressed', messageId: null } };
  // A message whose only direct recipient was erased goes to the copied ones.
  return { input: { ...input, to: to.length > 0 ? to : cc!, cc: to.length > 0 ? cc : [] } };
}

export function createPrivacyActivities(deps: { db: Db }) {
  const privacy = createPrivacyStore(deps.db);
  return {
    /** Anonymises one batch of one kind's closed records older than the retention; idempotent (anonymised records are skipped). */
    async applyRetention(input: ApplyRetentionInput): Promise<ApplyRetentionResult> {
      const before = new Date(input.asOf - input.days * 86_400_000);
      const anonymised = await privacy.applyRetention({ kind: input.kind, before, limit: input.limit });
      return { anonymised, more: anonymised >= input.limit };
    },
  };
}
