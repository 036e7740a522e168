/**
 * One inbound email, from its raw bytes (already in PostgreSQL) to its place: parsed and triaged
 * (auto-replies, bounces and loops are discarded), then either joined to the item it replies to,
 * or opened as a new contact (channel email) whose sender gets an acknowledgement with the
 * reference. One workflow per message (`inbound-mail:<key>`): the same message twice is one intake.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { durableActivity } from './activity-options';
import type { InboundMailInput, InboundMailResult, ReplyTarget } from './inbound-mail.contract';

const { triageInboundMail, deliverInboundReply, openInboundContact, notify } = proxyActivities<Activities>(durableActivity);

export async function inboundMailWorkflow(input: InboundMailInput): Promise<InboundMailResult> {
  const triage = await triageInboundMail({ key: input.key });
  if (triage.outcome === 'discarded') return { outcome: 'discarded', reason: triage.reason };

  let contactId: string;
  let linkedTo: ReplyTarget | undefined;
  if (triage.outcome === 'reply') {
    const reply = await deliverInboundReply({ key: input.key, target: triage.target });
    if (reply.delivered) return { outcome: 'reply', target: reply.target, as: reply.as };
    contactId = reply.contactId;
    linkedTo = reply.linkedTo;
  } else contactId = triage.contactId;

  const opened = await openInboundContact({ key: input.key, contactId, linkedTo });
  if (opened.ackTo) await notify({ key: `${opened.contactId}/ack`, to: [opened.ackTo], template: 'inbound-acknowledgement', data: opened.ack });
  return { outcome: 'contact', contactId: opened.contactId, ...(linkedTo ? { linkedTo } : {}) };
}
