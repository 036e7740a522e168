import { formatItalian, officeGreeting, renderEmail, RenderedEmail } from './layout';
import type { MissedCallForm } from '../../domain/contacts';

/** Italian emails of the missed-call form ("mancata risposta"); the contact reference leads the subject. */

interface FormData extends MissedCallForm {
  contactId: string;
  formId: string;
  serviceName: string;
  officeName: string;
  zone: string;
  dueAt: number;
}

/** Every field of the standard form, the call's date and time in the service's zone. */
function formFields(d: FormData): [string, string | undefined][] {
  const [date, time] = [
    new Intl.DateTimeFormat('it-IT', { timeZone: d.zone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(d.callAt)),
    new Intl.DateTimeFormat('it-IT', { timeZone: d.zone, hour: '2-digit', minute: '2-digit' }).format(new Date(d.callAt)),
  ];
  return [
    ['Cognome', d.callerSurname],
    ['Nome', d.callerName],
    ['Data della chiamata', date],
    ['Ora della chiamata', time],
    ['Persona cercata', d.personSought],
    ['Motivo della chiamata', d.reason],
    ['Telefono per il richiamo', d.callbackPhone],
    ['Email', d.callbackEmail],
    ['Riferimento', d.contactId],
    ['Modulo', d.formId],
  ];
}

export const missedCallTemplates = {
  /** To the office's sector mailbox (and the referent's): the form to call the citizen back. */
  'missed-call-form': (d: FormData): RenderedEmail =>
    renderEmail({
      subject: `[${d.contactId}] Mancata risposta: richiamare ${d.callerSurname} ${d.callerName} - ${d.serviceName}`,
      greeting: officeGreeting(d.officeName),
      paragraphs: [
        `una chiamata al servizio ${d.serviceName} non è stata trasferita perché la persona cercata non ha risposto. Vi chiediamo di richiamare l'utente e di registrare l'esito del richiamo.`,
      ],
      fields: [...formFields(d), ['Richiamare entro', formatItalian(d.dueAt, d.zone)]],
    }),

  /** To the office: the callback is still to do and the due time is near. */
  'missed-call-reminder': (d: FormData): RenderedEmail =>
    renderEmail({
      subject: `[${d.contactId}] Promemoria: richiamo in scadenza - ${d.serviceName}`,
      greeting: officeGreeting(d.officeName),
      paragraphs: ["il richiamo dell'utente indicato non risulta ancora registrato e il termine è vicino."],
      fields: [...formFields(d), ['Richiamare entro', formatItalian(d.dueAt, d.zone)]],
    }),

  /** To the supervisor: nobody called the citizen back in time. */
  'missed-call-overdue': (d: FormData): RenderedEmail =>
    renderEmail({
      subject: `[${d.contactId}] Richiamo non effettuato nei termini - ${d.serviceName}`,
      greeting: 'Alla supervisione del contact center,',
      paragraphs: [`l'ufficio ${d.officeName} non ha registrato il richiamo dell'utente entro il termine previsto.`],
      fields: [...formFields(d), ['Termine', formatItalian(d.dueAt, d.zone)]],
    }),
};
