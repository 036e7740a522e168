/** The inbound-mail intake's types (workflows/inbound-mail.ts); its activities are activities/inbound-mail.ts. */

export interface InboundMailInput {
  /** The intake key (infra/inbound-sink.ts): the row of `inbound_messages` holding the raw message. */
  key: string;
}

/** An item a reply can join. */
export interface ReplyTarget {
  type: 'contact' | 'escalation' | 'complaint';
  id: string;
}

export type TriageResult =
  | { outcome: 'discarded'; reason: string }
  | { outcome: 'new-contact'; contactId: string }
  | { outcome: 'reply'; target: ReplyTarget };

export type ReplyResult =
  /** Joined: a note on a contact, a citizen's reply to an escalation, the requester's information. */
  | { delivered: true; target: ReplyTarget; as: 'note' | 'citizen-reply' | 'requester-info' | 'reopened' }
  /** The item is closed (or takes no reply now): a new contact linked to it instead. */
  | { delivered: false; contactId: string; linkedTo: ReplyTarget; reason: string };

export interface OpenedContact {
  contactId: string;
  /** Where the acknowledgement goes; null when nothing is to be sent. */
  ackTo: string | null;
  ack: { contactId: string; serviceName: string; subject: string | null; attachments: number };
}

export type InboundMailResult =
  | { outcome: 'discarded'; reason: string }
  | { outcome: 'contact'; contactId: string; linkedTo?: ReplyTarget }
  | { outcome: 'reply'; target: ReplyTarget; as: string };
