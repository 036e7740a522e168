import { formatItalian, officeGreeting, renderEmail, RenderedEmail } from './layout';
import type { Caller } from '../../domain/contacts';

/** Italian emails of the contact and escalation lifecycles; the contact reference leads every subject. */

interface Base {
  contactId: string;
  serviceName: string;
  zone: string;
}

function callerLine(c: Caller): string | undefined {
  const name = [c.surname, c.name].filter(Boolean).join(' ');
  const ways = [c.phone && `tel. ${c.phone}`, c.email].filter(Boolean).join(', ');
  return [name, ways].filter(Boolean).join(' — ') || undefined;
}

export const contactTemplates = {
  /** To the citizen: the first-level answer of the contact center. */
  'contact-answer': (d: Base & { reason: string; answer: string }): RenderedEmail =>
    renderEmail({
      subject: `[${d.contactId}] Risposta alla sua richiesta - ${d.serviceName}`,
      greeting: 'Gentile utente,',
      paragraphs: [`in merito alla sua richiesta al servizio ${d.serviceName}, le comunichiamo quanto segue.`, d.answer],
      fields: [
        ['Riferimento', d.contactId],
        ['Oggetto della richiesta', d.reason],
      ],
    }),

  /** To the citizen: the back office's resolution of an escalated contact. */
  'escalation-answer': (d: Base & { reason: string; response: string; officeName: string }): RenderedEmail =>
    renderEmail({
      subject: `[${d.contactId}] Risposta alla sua richiesta - ${d.serviceName}`,
      greeting: 'Gentile utente,',
      paragraphs: [`la sua richiesta è stata esaminata dall'ufficio competente (${d.officeName}).`, d.response],
      fields: [
        ['Riferimento', d.contactId],
        ['Oggetto della richiesta', d.reason],
      ],
    }),

  /** To the office's mailbox: a new escalation to take in charge. */
  'escalation-opened': (
    d: Base & { escalationId: string; officeName: string; reason: string; category: string | null; caller: Caller; note?: string; takeChargeDueAt: number; resolveDueAt: number },
  ): RenderedEmail =>
    renderEmail({
      subject: `[${d.contactId}] Nuova pratica da prendere in carico - ${d.serviceName}`,
      greeting: officeGreeting(d.officeName),
      paragraphs: ['il contact center vi ha trasmesso una richiesta che il primo livello non può evadere.'],
      fields: [
        ['Riferimento', d.contactId],
        ['Pratica', d.escalationId],
        ['Categoria', d.category],
        ['Richiesta', d.reason],
        ['Richiedente', callerLine(d.caller)],
        ['Nota dell\'operatore', d.note],
        ['Presa in carico entro', formatItalian(d.takeChargeDueAt, d.zone)],
        ['Risoluzione entro', formatItalian(d.resolveDueAt, d.zone)],
      ],
    }),

  /** To the office's mailbox: a deadline is near. */
  'escalation-reminder': (d: Base & { escalationId: string; officeName: string; deadline: 'take-charge' | 'resolve'; dueAt: number; reason: string }): RenderedEmail =>
    renderEmail({
      subject: `[${d.contactId}] Promemoria: ${d.deadline === 'take-charge' ? 'presa in carico' : 'risoluzione'} in scadenza - ${d.serviceName}`,
      greeting: officeGreeting(d.officeName),
      paragraphs: [
        d.deadline === 'take-charge'
          ? 'la pratica indicata non è ancora stata presa in carico e il termine è vicino.'
          : 'la pratica indicata non è ancora stata risolta e il termine è vicino.',
      ],
      fields: [
        ['Riferimento', d.contactId],
        ['Pratica', d.escalationId],
        ['Richiesta', d.reason],
        ['Scadenza', formatItalian(d.dueAt, d.zone)],
      ],
    }),

  /** To the supervisor: a deadline has passed; the escalation stays open, flagged. */
  'escalation-breached': (d: Base & { escalationId: string; officeName: string; deadline: 'take-charge' | 'resolve'; dueAt: number; reason: string }): RenderedEmail =>
    renderEmail({
      subject: `[${d.contactId}] Termine superato: ${d.deadline === 'take-charge' ? 'presa in carico' : 'risoluzione'} - ${d.serviceName}`,
      greeting: 'Alla supervisione del contact center,',
      paragraphs: [
        `l'ufficio ${d.officeName} non ha ${d.deadline === 'take-charge' ? 'preso in carico' : 'risolto'} la pratica entro il termine previsto. La pratica resta aperta ed è segnalata come fuori termine.`,
      ],
      fields: [
        ['Riferimento', d.contactId],
        ['Pratica', d.escalationId],
        ['Ufficio', d.officeName],
        ['Richiesta', d.reason],
        ['Scadenza', formatItalian(d.dueAt, d.zone)],
      ],
    }),
};
