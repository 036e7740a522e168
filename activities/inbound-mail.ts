/**
 * The inbound-mail intake's activities (workflows/inbound-mail.ts): parse and triage a stored raw
 * message, join a reply to its item, open a new contact. Each is idempotent: the parse rewrites the
 * same rows, the contact number is allocated once per message, a contact is started with
 * update-with-start on its business id, and a reply's update is keyed by the message in the history.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure, log } from '@temporalio/activity';
import { Client, WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { simpleParser, type ParsedMail, type AddressObject } from 'mailparser';
import type { Db } from '../infra/db';
import { inboundMailboxes, type ServiceCatalog } from '../domain/catalog';
import { createInboundMailStore, type InboundMessageRow, type ParsedAttachment } from '../infra/stores/inbound-mail';
import { createContactStore } from '../infra/stores/contacts';
import type { Actor } from '../domain/actor';
import { addContactNoteUpdate, registerContactUpdate, requesterInfoUpdate, workflowId, type ContactInput } from '../workflows/definitions';
import type { OpenedContact, ReplyResult, ReplyTarget, TriageResult } from '../workflows/inbound-mail.contract';
import { OUR_MESSAGE_ID_DOMAIN } from './mail';

/** Who acts when a citizen's email joins an item. */
export const EMAIL_ACTOR: Actor = { name: 'cittadino (email)', role: 'citizen' };

/** Attachments up to this size are kept; bigger ones are listed (type, size, checksum) without content. */
export const ATTACHMENT_KEEP_BYTES = 10 * 1024 * 1024;
const MAX_ATTACHMENTS = 50;
const MAX_BODY_CHARS = 20_000;
const MAX_REASON_CHARS = 4000;
const MAX_SUBJECT_CHARS = 500;

export interface InboundMailDeps {
  db: Db;
  catalog: ServiceCatalog;
  /** Needed to start contacts and to deliver replies (the worker's client). */
  temporal?: Client;
  taskQueue: string;
  replyToClosed: 'new-contact' | 'reopen';
  /** Our own sending address(es): mail from them is a loop. */
  ownAddresses: string[];
}

/** Text PostgreSQL and the operators' page can hold: no NUL or other control characters but tab and newlines. */
export function cleanText(s: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').replace(/[\ud800-\udfff]/g, (c, i: number, all: string) => {
    const code = c.charCodeAt(0);
    const next = all.charCodeAt(i + 1);
    const prev = all.charCodeAt(i - 1);
    const paired = code < 0xdc00 ? next >= 0xdc00 && next <= 0xdfff : prev >= 0xd800 && prev < 0xdc00;
    return paired ? c : '\ufffd';
  }).trim().slice(0, max);
}

const EMAIL_RE = /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/;

/** The sender's usable address, or undefined. */
function senderOf(parsed: ParsedMail): { address: string; name?: string } | undefined {
  const from = parsed.from as AddressObject | undefined;
  const first = from?.value?.find((v) => typeof v.address === 'string' && v.address !== '');
  const address = first?.address?.trim().toLowerCase();
  if (!address || address.length > 254 || !EMAIL_RE.test(address)) return undefined;
  const name = first?.name ? cleanText(first.name, 100) : '';
  return { address, ...(name && !name.includes('@') ? { name } : {}) };
}

function header(parsed: ParsedMail, name: string): string | undefined {
  const v = parsed.headers.get(name);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'value' in v && typeof (v as { value: unknown }).value === 'string') return (v as { value: string }).value;
  return String(v);
}

/** Why a message must not open a contact (an automatic message), or undefined. */
export function automaticReason(parsed: ParsedMail, envelopeFrom: string | null, sender: string | undefined, own: Set<string>): string | undefined {
  const autoSubmitted = header(parsed, 'auto-submitted')?.trim().toLowerCase();
  if (autoSubmitted && !autoSubmitted.startsWith('no')) return 'auto-submitted';
  const precedence = header(parsed, 'precedence')?.trim().toLowerCase();
  if (precedence && /^(bulk|junk|list|auto_reply)/.test(precedence)) return 'precedence';
  if (parsed.headers.has('x-autoreply') || parsed.headers.has('x-autorespond') || parsed.headers.has('x-autoresponder')) return 'auto-reply';
  const contentType = parsed.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  if (contentType?.value?.toLowerCase() === 'multipart/report') return 'bounce';
  if (envelopeFrom === '') return 'bounce';
  if (sender && /^(mailer-daemon|postmaster|mail-daemon)@/i.test(sender)) return 'bounce';
  if (parsed.messageId && parsed.messageId.toLowerCase().endsWith(`@${OUR_MESSAGE_ID_DOMAIN}>`)) return 'loop';
  if (sender && own.has(sender)) return 'loop';
  return undefined;
}

/** The references a reply may carry in its subject: a contact (with escalation/missed-call suffix) or a complaint. */
const SUBJECT_REF = /\[\s*((?:CON|REC)-\d{4}-\d{6}(?:-[EM]\d{1,4})?)\s*\]/i;

/** The item an id names (a contact, its escalation, a complaint); undefined for other ids. */
export function targetOfId(id: string): ReplyTarget | undefined {
  const up = id.toUpperCase();
  if (/^REC-\d{4}-\d{6}$/.test(up)) return { type: 'complaint', id: up };
  if (/^CON-\d{4}-\d{6}-E\d+$/.test(up)) return { type: 'escalation', id: up };
  const contact = /^(CON-\d{4}-\d{6})(?:-M\d+)?$/.exec(up);
  if (contact) return { type: 'contact', id: contact[1] };
  return undefined;
}

/** The item of one of our sent emails' keys (`<id>/...` or `<kind>:<id>/...`). */
export function targetOfEmailKey(key: string): ReplyTarget | undefined {
  return targetOfId(key.replace(/^[a-z_-]+:/, '').split('/')[0]);
}

function idList(v: string | string[] | undefined): string[] {
  const all = (Array.isArray(v) ? v : v ? [v] : []).flatMap((s) => s.match(/<[^<>\s]{1,900}>/g) ?? []);
  return [...new Set(all)].slice(-50);
}

async function parse(raw: Buffer): Promise<ParsedMail | undefined> {
  const base = { skipImageLinks: true, skipTextToHtml: true } as const;
  try {
    return await simpleParser(raw, { ...base, maxHtmlLengthToParse: 5_000_000 });
  } catch {
    try {
      return await simpleParser(raw, { ...base, skipHtmlToText: true });
    } catch {
      return undefined;
    }
  }
}

function reasonOf(row: Pick<InboundMessageRow, 'subject' | 'body'>): string {
  const parts = [row.subject, row.body].filter((p): p is string => !!p && p.trim() !== '');
  const text = parts.join('\n\n');
  return cleanText(text === '' ? '(email senza testo)' : text, MAX_REASON_CHARS) || '(email senza testo)';
}

const isNotTaken = (err: unknown) => err instanceof WorkflowUpdateFailedError || err instanceof WorkflowNotFoundError;

export function createInboundMailActivities(deps: InboundMailDeps) {
  const store = createInboundMailStore(deps.db);
  const contacts = createContactStore(deps.db);
  const own = new Set([
    ...deps.ownAddresses.map((a) => a.toLowerCase()),
    ...deps.catalog.services.flatMap((s) => [...inboundMailboxes(s), s.mailboxes.sector.toLowerCase(), s.mailboxes.supervisor.toLowerCase(), ...s.offices.map((o) => o.mailbox.toLowerCase())]),
  ]);
  const temporal = () => {
    if (!deps.temporal) throw ApplicationFailure.nonRetryable('the worker has no Temporal client for inbound mail', 'NoTemporalClient');
    return deps.temporal;
  };
  const load = async (key: string) => {
    const row = await store.get(key);
    if (!row) throw ApplicationFailure.nonRetryable(`no inbound message ${key}`, 'UnknownInboundMessage');
    return row;
  };
  const newContactId = (key: string) => store.allocateContactId(key, () => contacts.nextContactId(new Date()));

  /**
   * INBOUND_REPLY_TO_CLOSED=reopen: a new run of the closed contact's workflow goes on from its
   * recorded history, back in triage, its first transition `reopened` (with the reply). Once per
   * reply: a retry finds that transition, or the new run still running.
   */
  async function reopenContact(contactId: string, key: string, text: string): Promise<void> {
    const client = temporal();
    const done = await deps.db('history').where({ entity_type: 'contact', entity_id: contactId, action: 'reopened' }).whereRaw(`payload->>'inboundMessage' = ?`, [key]).first('seq');
    if (done) return;
    const handle = client.workflow.getHandle(workflowId.contact(contactId));
    const running = await handle.describe().then((d) => d.status.name === 'RUNNING', (err) => (err instanceof WorkflowNotFoundError ? false : Promise.reject(err)));
    // The old run is still finishing (its answer email): retried until it has ended.
    if (running) throw ApplicationFailure.retryable(`contact ${contactId} is still closing`, 'ContactStillClosing');
    const row = await deps.db('contacts').where({ id: contactId }).first();
    if (!row) throw ApplicationFailure.nonRetryable(`no contact ${contactId}`, 'UnknownContact');
    const [{ n: recorded }] = (await deps.db('history').where({ entity_type: 'contact', entity_id: contactId }).max({ n: 'seq' })) as { n: number | null }[];
    const [{ n: escalations }] = (await deps.db('escalations').where({ contact_id: contactId }).count({ n: '*' })) as { n: string }[];
    const [{ n: missedCalls }] = (await deps.db('missed_calls').where({ contact_id: contactId }).count({ n: '*' })) as { n: string }[];
    const service = deps.catalog.service(row.service) ? row.service : deps.catalog.services[0].code;
    const input: ContactInput = {
      id: contactId,
      service,
      catalogVersion: deps.catalog.version,
      channel: row.channel,
      origin: row.origin,
      originDetails: row.origin_details ?? {},
      callId: row.call_id ?? undefined,
      caller: row.caller ?? {},
      reason: row.reason,
      receivedAt: new Date(row.created_at).getTime(),
      actor: EMAIL_ACTOR,
      reopen: { recorded: Number(recorded ?? 0), escalations: Number(escalations), missedCalls: Number(missedCalls), category: row.category ?? null, inboundMessage: key, text },
    };
    await client.workflow.executeUpdateWithStart(registerContactUpdate, {
      args: [{}],
      startWorkflowOperation: new WithStartWorkflowOperation('contactWorkflow', {
        workflowId: workflowId.contact(contactId),
        taskQueue: deps.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      }),
    });
  }

  return {
    /** Parses the stored message, keeps its text and attachments, and decides what it is. */
    async triageInboundMail({ key }: { key: string }): Promise<TriageResult> {
      const row = await load(key);
      const discard = async (reason: string): Promise<TriageResult> => {
        await store.markOutcome(key, { status: 'discarded', discardReason: reason });
        log.info('inbound email discarded', { key, reason });
        return { outcome: 'discarded', reason };
      };
      if (!row.raw) return discard('erased');
      const parsed = await parse(row.raw);
      if (!parsed) return discard('unparseable');
      const sender = senderOf(parsed);
      const subject = parsed.subject ? cleanText(parsed.subject, MAX_SUBJECT_CHARS) || null : null;
      const body = parsed.text ? cleanText(parsed.text, MAX_BODY_CHARS) || null : null;
      const inReplyTo = idList(parsed.inReplyTo)[0] ?? null;
      const references = idList(parsed.references);
      const attachments: ParsedAttachment[] = (parsed.attachments ?? []).slice(0, MAX_ATTACHMENTS).map((a) => {
        const content = Buffer.isBuffer(a.content) ? a.content : Buffer.alloc(0);
        return {
          filename: a.filename ? cleanText(a.filename, 255) || null : null,
          contentType: cleanText(a.contentType || 'application/octet-stream', 200) || 'application/octet-stream',
          size: content.length,
          sha256: createHash('sha256').update(content).digest('hex'),
          content: content.length <= ATTACHMENT_KEEP_BYTES ? content : null,
        };
      });
      await store.saveParsed(key, { sender: sender?.address ?? null, subject, body, inReplyTo, references }, attachments);

      const automatic = automaticReason(parsed, row.envelopeFrom, sender?.address, own);
      if (automatic) return discard(automatic);
      if (row.messageId && (await store.isOurMessageId(row.messageId))) return discard('loop');
      // A message nobody can be answered at never opens a contact.
      if (!sender) return discard('no-sender');

      // A reply: the Message-ID of one of our emails, else a reference in the subject.
      const sentKey = await store.sentEmailKeyOf([...(inReplyTo ? [inReplyTo] : []), ...references]);
      const byHeader = sentKey ? targetOfEmailKey(sentKey) : undefined;
      const subjectRef = subject ? SUBJECT_REF.exec(subject)?.[1] : undefined;
      const target = byHeader ?? (subjectRef ? targetOfId(subjectRef) : undefined);
      if (target) return { outcome: 'reply', target };
      return { outcome: 'new-contact', contactId: await newContactId(key) };
    },

    /** Joins a reply to its item; a closed item (or one that takes no reply now) gets a new linked contact. */
    async deliverInboundReply({ key, target }: { key: string; target: ReplyTarget }): Promise<ReplyResult> {
      const row = await load(key);
      const text = cleanText(row.body ?? row.subject ?? '(email senza testo)', MAX_BODY_CHARS) || '(email senza testo)';
      const client = temporal();
      const delivered = async (t: ReplyTarget, as: 'note' | 'citizen-reply' | 'requester-info' | 'reopened', contactId: string | null): Promise<ReplyResult> => {
        await store.markOutcome(key, { status: 'reply', contactId, targetType: t.type, targetId: t.id });
        log.info('inbound email joined its item', { key, target: t.type, id: t.id, as });
        return { delivered: true, target: t, as };
      };
      const linked = async (t: ReplyTarget, reason: string): Promise<ReplyResult> => ({ delivered: false, contactId: await newContactId(key), linkedTo: t, reason });

      if (target.type === 'complaint') {
        const complaint = await deps.db('complaints').where({ id: target.id }).first('status');
        if (!complaint) return linked(target, 'unknown');
        if (complaint.status === 'awaiting_requester') {
          try {
            await client.workflow.getHandle(workflowId.complaint(target.id)).executeUpdate(requesterInfoUpdate, { args: [{ info: text, actor: EMAIL_ACTOR }] });
            return delivered(target, 'requester-info', null);
          } catch (err) {
            if (!isNotTaken(err)) throw err;
          }
        }
        return linked(target, ['responded', 'closed'].includes(complaint.status) ? 'closed' : 'not-awaiting');
      }

      const escalationId = target.type === 'escalation' ? target.id : undefined;
      const contactId = target.type === 'escalation' ? target.id.replace(/-E\d+$/, '') : target.id;
      const contact = await contacts.get(contactId);
      if (!contact) return linked(target, 'unknown');
      // The citizen's answer to a paused escalation resumes it (issue 14's `citizenReply`).
      const openEscalation = escalationId ?? (contact.status === 'escalated' ? contact.escalationId : null);
      if (openEscalation) {
        try {
          await client.workflow.getHandle(workflowId.escalation(openEscalation)).executeUpdate('citizenReply', { args: [{ reply: text, actor: EMAIL_ACTOR }] });
          return delivered({ type: 'escalation', id: openEscalation }, 'citizen-reply', contactId);
        } catch (err) {
          if (!isNotTaken(err)) throw err; // not paused for the citizen: a note on the contact
        }
      }
      if (contact.status !== 'resolved') {
        try {
          await client.workflow.getHandle(workflowId.contact(contactId)).executeUpdate(addContactNoteUpdate, { args: [{ text, source: 'email', inboundMessage: key, actor: EMAIL_ACTOR }] });
          return delivered({ type: 'contact', id: contactId }, 'note', contactId);
        } catch (err) {
          if (!isNotTaken(err)) throw err;
        }
      }
      if (deps.replyToClosed === 'reopen') {
        await reopenContact(contactId, key, text);
        return delivered({ type: 'contact', id: contactId }, 'reopened', contactId);
      }
      return linked({ type: 'contact', id: contactId }, 'closed');
    },

    /** Opens the contact of a new email (or of a reply to a closed item, linked to it). */
    async openInboundContact({ key, contactId, linkedTo }: { key: string; contactId: string; linkedTo?: ReplyTarget }): Promise<OpenedContact> {
      const row = await load(key);
      const linkedService = async () => {
        if (!linkedTo) return undefined;
        if (linkedTo.type === 'complaint') return deps.catalog.data.complaints.service;
        return (await contacts.get(linkedTo.type === 'escalation' ? linkedTo.id.replace(/-E\d+$/, '') : linkedTo.id))?.service;
      };
      // A reply to our sending address names no service: the linked item's, else the first of the catalog.
      const serviceCode = [row.service, await linkedService(), deps.catalog.services[0].code].find((c) => c && deps.catalog.service(c))!;
      const service = deps.catalog.service(serviceCode)!;
      if (!row.sender) throw ApplicationFailure.nonRetryable(`inbound message ${key} has no sender`, 'NoSender');
      const attachments = await store.attachmentsCount(key);
      const input: ContactInput = {
        id: contactId,
        service: service.code,
        catalogVersion: deps.catalog.version,
        channel: 'email',
        origin: 'direct',
        originDetails: { inboundMessage: key, via: row.via, attachments, ...(linkedTo ? { linkedTo, replyToClosed: deps.replyToClosed } : {}) },
        caller: { email: row.sender },
        reason: reasonOf(row),
        receivedAt: Date.parse(row.receivedAt),
        actor: EMAIL_ACTOR,
      };
      try {
        await temporal().workflow.executeUpdateWithStart(registerContactUpdate, {
          args: [{}],
          startWorkflowOperation: new WithStartWorkflowOperation('contactWorkflow', {
            workflowId: workflowId.contact(contactId),
            taskQueue: deps.taskQueue,
            args: [input],
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          }),
        });
      } catch (err) {
        // A retry after the contact already finished: it exists, which is all this step needs.
        if (!(err instanceof WorkflowExecutionAlreadyStartedError || (err as Error).name === 'WorkflowExecutionAlreadyStartedError')) throw err;
      }
      await store.markOutcome(key, { status: 'contact', contactId, targetType: linkedTo?.type ?? null, targetId: linkedTo?.id ?? null });
      log.info('inbound email opened a contact', { key, contactId });
      return { contactId, ackTo: row.sender, ack: { contactId, serviceName: service.name, subject: row.subject, attachments } };
    },
  };
}
