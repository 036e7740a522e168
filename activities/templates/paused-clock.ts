import { formatItalian, renderEmail, RenderedEmail } from './layout';
import type { MissedCallForm } from '../../domain/contacts';

/**
 * Italian emails of the paused clock: the office's question to the citizen, the end of the wait,
 * and a callback to try again. The contact reference leads every subject (a citizen's reply that
 * keeps it is joined to the escalation by the mail intake).
 */

interface EscalationData {
  contactId: string;
  serviceName: string;
  zone: string;
  escalationId: string;
  officeName: string;
  reason: string;
}

/** The greeting of an office: its name as the catalog gives it ("Ufficio veicoli"), never doubled. */
const officeGreeting = (name: string) => (/^ufficio\b/i.test(name) ? `${name},` : `Ufficio ${name},`);

export const pausedClockTemplates = {
  /** To the citizen: the office needs some information to go on with the request. */
  'escalation-info-request': (d: EscalationData & { question: string; waitLimitAt: number; phone?: string }): RenderedEmail =>
    renderEmail({
      subject: `[${d.contactId}] Richiesta di informazioni - ${d.serviceName}`,
      greeting: 'Gentile utente,',
      paragraphs: [
        `per proseguire con la sua richiesta al servizio ${d.serviceName}, l'ufficio competente (${d.officeName}) ha bisogno di alcune informazioni:`,
        d.question,
        `Può rispondere a questa email lasciando invariato l'oggetto, che contiene il riferimento della sua richiesta${d.phone ? `, oppure chiamare il numero ${d.phone} indicando il riferimento` : ''}. In attesa della sua risposta i tempi di lavorazione sono sospesi.`,
      ],
      fields: [
        ['Riferimento', d.contactId],
        ['Oggetto della richiesta', d.reason],
        ['Rispondere entro', formatItalian(d.waitLimitAt, d.zone)],
      ],
    }),

  /** To the office: the citizen did not reply in time; the escalation is back with its clock running. */
  'escalation-wait-expired': (d: EscalationData & { question: string; resolveDueAt: number }): RenderedEmail =>
    renderEmail({
      subject: `[${d.contactId}] Nessuna risposta del cittadino: pratica di nuovo in lavorazione - ${d.serviceName}`,
      greeting: officeGreeting(d.officeName),
      paragraphs: [
        'il cittadino non ha risposto alla richiesta di informazioni entro il termine previsto. La pratica torna in lavorazione presso il vostro ufficio e il termine di risoluzione riprende a decorrere.',
      ],
      fields: [
        ['Riferimento', d.contactId],
        ['Pratica', d.escalationId],
        ['Richiesta', d.reason],
        ['Domanda al cittadino', d.question],
        ['Risoluzione entro', formatItalian(d.resolveDueAt, d.zone)],
      ],
    }),

  /** To the office: the time agreed for a new callback attempt has come. */
  'missed-call-retry': (
    d: Pick<MissedCallForm, 'callerSurname' | 'callerName' | 'personSought' | 'reason' | 'callbackPhone'> & {
      contactId: string;
      formId: string;
      serviceName: string;
      officeName: string;
      zone: string;
      retryAt: number;
      dueAt: number;
    },
  ): RenderedEmail =>
    renderEmail({
      subject: `[${d.contactId}] Promemoria: nuovo tentativo di richiamo - ${d.serviceName}`,
      greeting: officeGreeting(d.officeName),
      paragraphs: ["è l'ora fissata per un nuovo tentativo di richiamo: l'utente non era raggiungibile al tentativo precedente. Registrate l'esito del richiamo."],
      fields: [
        ['Cognome', d.callerSurname],
        ['Nome', d.callerName],
        ['Persona cercata', d.personSought],
        ['Motivo della chiamata', d.reason],
        ['Telefono per il richiamo', d.callbackPhone],
        ['Riferimento', d.contactId],
        ['Modulo', d.formId],
        ['Nuovo tentativo', formatItalian(d.retryAt, d.zone)],
        ['Richiamare entro', formatItalian(d.dueAt, d.zone)],
      ],
    }),
};
