import { renderEmail, RenderedEmail } from './layout';

/** Italian emails of inbound mail; the contact reference leads the subject, so a reply finds its case. */
export const inboundMailTemplates = {
  /** To the sender of an email that opened a contact: it arrived, with its reference. */
  'inbound-acknowledgement': (d: { contactId: string; serviceName: string; subject: string | null; attachments: number }): RenderedEmail =>
    renderEmail({
      subject: `[${d.contactId}] Abbiamo ricevuto il suo messaggio - ${d.serviceName}`,
      greeting: 'Gentile utente,',
      paragraphs: [
        `il suo messaggio al servizio ${d.serviceName} è stato ricevuto e registrato con il riferimento ${d.contactId}.`,
        'Le risponderemo al più presto. Se desidera aggiungere informazioni, risponda a questa email lasciando invariato il riferimento tra parentesi quadre nell\'oggetto.',
      ],
      fields: [
        ['Riferimento', d.contactId],
        ['Oggetto del messaggio', d.subject],
        ['Allegati ricevuti', d.attachments > 0 ? String(d.attachments) : null],
      ],
    }),
};
