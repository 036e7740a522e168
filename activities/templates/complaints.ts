import { formatItalian, renderEmail, RenderedEmail } from './layout';
import type { ComplaintKind, ComplaintOutcome } from '../../domain/complaints';

/** Italian emails of the complaint lifecycle; the complaint reference leads every subject. */

export interface ComplaintEmailBase {
  reference: string;
  kind: ComplaintKind;
  subject: string;
  serviceName: string;
  zone: string;
  contactPhone: string | null;
}

/** The kind with the articles and agreements Italian needs (segnalazione is feminine). */
const KIND: Record<ComplaintKind, { your: string; ofYour: string; onYour: string; toYour: string; toThe: string; a: string; wasTaken: string }> = {
  complaint: { your: 'il suo reclamo', ofYour: 'del suo reclamo', onYour: 'sul suo reclamo', toYour: 'al suo reclamo', toThe: 'al reclamo', a: 'un reclamo', wasTaken: 'è stato preso' },
  report: { your: 'la sua segnalazione', ofYour: 'della sua segnalazione', onYour: 'sulla sua segnalazione', toYour: 'alla sua segnalazione', toThe: 'alla segnalazione', a: 'una segnalazione', wasTaken: 'è stata presa' },
  suggestion: { your: 'il suo suggerimento', ofYour: 'del suo suggerimento', onYour: 'sul suo suggerimento', toYour: 'al suo suggerimento', toThe: 'al suggerimento', a: 'un suggerimento', wasTaken: 'è stato preso' },
};

const OUTCOME_LABEL: Record<ComplaintOutcome, string> = {
  upheld: 'accolto',
  partially_upheld: 'accolto in parte',
  not_upheld: 'non accolto',
  answered: 'risposta fornita',
  thanked: 'suggerimento ricevuto, con ringraziamento',
};

const howToReach = (b: ComplaintEmailBase) =>
  `Per qualsiasi comunicazione citi il numero di pratica ${b.reference}${b.contactPhone ? ` e contatti l'${b.serviceName} al numero ${b.contactPhone}` : ` e contatti l'${b.serviceName}`}.`;

const greetingFor = (name: string) => `Gentile ${name},`;
const closingUru = (b: ComplaintEmailBase) => `Cordiali saluti,\n${b.serviceName}`;

export const complaintTemplates = {
  /** To the requester: URU has taken the complaint in charge; reference and response deadline. */
  'complaint-acknowledged': (d: ComplaintEmailBase & { requesterName: string; registeredAt: number; deadlineAt: number | null }): RenderedEmail =>
    renderEmail({
      subject: `[${d.reference}] Presa in carico ${KIND[d.kind].ofYour}`,
      greeting: greetingFor(d.requesterName),
      paragraphs: [
        `${KIND[d.kind].your} ${KIND[d.kind].wasTaken} in carico dall'${d.serviceName} con il numero di pratica ${d.reference}.`,
        d.deadlineAt !== null
          ? `Riceverà una risposta definitiva entro ${formatItalian(d.deadlineAt, d.zone)}. Se avremo bisogno di altre informazioni gliele chiederemo: in attesa della sua risposta il termine resta sospeso.`
          : 'Riceverà una risposta definitiva al termine dell\'istruttoria.',
        howToReach(d),
      ],
      fields: [
        ['Numero di pratica', d.reference],
        ['Oggetto', d.subject],
        ['Registrato il', formatItalian(d.registeredAt, d.zone)],
        ['Risposta entro', d.deadlineAt !== null ? formatItalian(d.deadlineAt, d.zone) : undefined],
      ],
      closing: closingUru(d),
    }),

  /** To the requester: URU needs information; the term is suspended until the reply. */
  'complaint-info-requested': (d: ComplaintEmailBase & { requesterName: string; question: string; remainingDays: number }): RenderedEmail =>
    renderEmail({
      subject: `[${d.reference}] Richiesta di informazioni ${KIND[d.kind].onYour}`,
      greeting: greetingFor(d.requesterName),
      paragraphs: [
        `per completare l'istruttoria della pratica ${d.reference} abbiamo bisogno delle seguenti informazioni:`,
        d.question,
        `Il termine per la risposta è sospeso fino al ricevimento delle informazioni richieste; alla ripresa restano ${d.remainingDays} giorni.`,
        howToReach(d),
      ],
      fields: [
        ['Numero di pratica', d.reference],
        ['Oggetto', d.subject],
      ],
      closing: closingUru(d),
    }),

  /** To the requester: the definitive response (or the thank-you for a suggestion). */
  'complaint-response': (d: ComplaintEmailBase & { requesterName: string; response: string | null; outcome: ComplaintOutcome }): RenderedEmail =>
    renderEmail({
      subject: `[${d.reference}] Risposta definitiva ${KIND[d.kind].toYour}`,
      greeting: greetingFor(d.requesterName),
      paragraphs: [
        d.outcome === 'thanked'
          ? `la ringraziamo per il suggerimento inviato all'${d.serviceName} (pratica ${d.reference}): lo abbiamo esaminato e ne terremo conto per migliorare i nostri servizi.`
          : `concluso l'esame della pratica ${d.reference}, le inviamo la risposta definitiva dell'${d.serviceName}.`,
        ...(d.response ? [d.response] : []),
        'La pratica è chiusa.',
      ],
      fields: [
        ['Numero di pratica', d.reference],
        ['Oggetto', d.subject],
        ['Esito', OUTCOME_LABEL[d.outcome]],
      ],
      closing: closingUru(d),
    }),

  /** To an internal structure's mailbox: URU asks a question with a due date. */
  'inquiry-opened': (d: ComplaintEmailBase & { inquiryId: string; structureName: string; question: string; dueAt: number }): RenderedEmail =>
    renderEmail({
      subject: `[${d.reference}] Richiesta di istruttoria ${d.inquiryId}`,
      greeting: `${d.structureName},`,
      paragraphs: [
        `l'${d.serviceName} sta esaminando ${KIND[d.kind].a} e chiede il vostro contributo sul quesito seguente.`,
        d.question,
        `Inserite le vostre risultanze nel back-office (richiesta ${d.inquiryId}) entro la scadenza indicata.`,
      ],
      fields: [
        ['Richiesta', d.inquiryId],
        ['Pratica', d.reference],
        ['Scadenza', formatItalian(d.dueAt, d.zone)],
      ],
      closing: closingUru(d),
    }),

  /** To the structure: the inquiry is due soon. */
  'inquiry-reminder': (d: ComplaintEmailBase & { inquiryId: string; structureName: string; question: string; dueAt: number }): RenderedEmail =>
    renderEmail({
      subject: `[${d.reference}] Promemoria: richiesta di istruttoria ${d.inquiryId} in scadenza`,
      greeting: `${d.structureName},`,
      paragraphs: [`la richiesta di istruttoria ${d.inquiryId} scade ${formatItalian(d.dueAt, d.zone)} e non ha ancora una risposta.`, d.question],
      fields: [
        ['Richiesta', d.inquiryId],
        ['Pratica', d.reference],
        ['Scadenza', formatItalian(d.dueAt, d.zone)],
      ],
      closing: closingUru(d),
    }),

  /** To URU (copy to the structure): the inquiry's due date has passed without an answer. */
  'inquiry-overdue': (d: ComplaintEmailBase & { inquiryId: string; structureName: string; question: string; dueAt: number }): RenderedEmail =>
    renderEmail({
      subject: `[${d.reference}] Richiesta di istruttoria ${d.inquiryId} scaduta senza risposta`,
      greeting: `${d.serviceName},`,
      paragraphs: [`la struttura ${d.structureName} non ha risposto alla richiesta di istruttoria ${d.inquiryId}, scaduta ${formatItalian(d.dueAt, d.zone)}.`, d.question],
      fields: [
        ['Richiesta', d.inquiryId],
        ['Pratica', d.reference],
        ['Struttura', d.structureName],
        ['Scadenza', formatItalian(d.dueAt, d.zone)],
      ],
      closing: 'Messaggio del sistema di gestione dei reclami',
    }),

  /** To URU: a structure has answered its inquiry. */
  'inquiry-answered': (d: ComplaintEmailBase & { inquiryId: string; structureName: string; findings: string }): RenderedEmail =>
    renderEmail({
      subject: `[${d.reference}] Risposta alla richiesta di istruttoria ${d.inquiryId}`,
      greeting: `${d.serviceName},`,
      paragraphs: [`la struttura ${d.structureName} ha risposto alla richiesta di istruttoria ${d.inquiryId}.`, d.findings],
      fields: [
        ['Richiesta', d.inquiryId],
        ['Pratica', d.reference],
      ],
      closing: 'Messaggio del sistema di gestione dei reclami',
    }),

  /** To URU: the given share of the response term has run. */
  'complaint-deadline-warning': (d: ComplaintEmailBase & { deadlineAt: number; warningPct: number }): RenderedEmail =>
    renderEmail({
      subject: `[${d.reference}] Termine di risposta all'${d.warningPct}%`,
      greeting: `${d.serviceName},`,
      paragraphs: [
        `è trascorso l'${d.warningPct}% del termine per rispondere ${KIND[d.kind].toThe} ${d.reference}: la risposta definitiva va inviata entro ${formatItalian(d.deadlineAt, d.zone)}.`,
      ],
      fields: [
        ['Pratica', d.reference],
        ['Oggetto', d.subject],
        ['Risposta entro', formatItalian(d.deadlineAt, d.zone)],
      ],
      closing: 'Messaggio del sistema di gestione dei reclami',
    }),

  /** To the supervisor (copy to URU): the response term has passed without a response. */
  'complaint-deadline-breached': (d: ComplaintEmailBase & { deadlineAt: number }): RenderedEmail =>
    renderEmail({
      subject: `[${d.reference}] Termine di risposta scaduto`,
      greeting: 'Gentile responsabile,',
      paragraphs: [`il termine per rispondere ${KIND[d.kind].toThe} ${d.reference} è scaduto ${formatItalian(d.deadlineAt, d.zone)} senza una risposta definitiva dell'${d.serviceName}.`],
      fields: [
        ['Pratica', d.reference],
        ['Oggetto', d.subject],
        ['Scadenza', formatItalian(d.deadlineAt, d.zone)],
      ],
      closing: 'Messaggio del sistema di gestione dei reclami',
    }),
} as const;

export type ComplaintTemplateName = keyof typeof complaintTemplates;
export type ComplaintTemplateData<T extends ComplaintTemplateName> = Parameters<(typeof complaintTemplates)[T]>[0];
