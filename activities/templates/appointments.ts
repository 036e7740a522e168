import { createEvent } from 'ics';
import { escapeHtml, formatItalian, renderEmail, RenderedEmail } from './layout';

/** Italian emails of the appointment lifecycle: confirmation, reminder, new time, cancellation, the office's day list. */

interface AppointmentData {
  appointmentId: string;
  serviceName: string;
  zone: string;
  applicationTypeName: string;
  documents: string[];
  officeName: string;
  officeMailbox: string;
  location: string;
  address: string;
  start: number;
  end: number;
  /** The calendar entry's SEQUENCE: raised by every change of the same appointment. */
  sequence: number;
  cancelReason: string | null;
}

/** The appointment as an iCalendar entry (UTC times; the UID is stable across changes). */
export function appointmentIcs(d: AppointmentData, cancelled: boolean): string {
  const { error, value } = createEvent({
    productId: '-//Contact Center//Appuntamenti//IT',
    method: cancelled ? 'CANCEL' : 'PUBLISH',
    uid: `${d.appointmentId}@contact-center.example.org`,
    sequence: d.sequence,
    start: d.start,
    startInputType: 'utc',
    startOutputType: 'utc',
    end: d.end,
    endInputType: 'utc',
    endOutputType: 'utc',
    title: `Appuntamento ${d.serviceName} - ${d.applicationTypeName}`,
    description: [`Riferimento ${d.appointmentId}`, d.documents.length ? `Documenti da portare: ${d.documents.join('; ')}` : ''].filter(Boolean).join('\n'),
    location: `${d.location}, ${d.address}`,
    status: cancelled ? 'CANCELLED' : 'CONFIRMED',
  });
  if (error || !value) throw error ?? new Error('calendar entry not generated');
  return value;
}

const icsAttachment = (d: AppointmentData, cancelled = false) => [
  { filename: `appuntamento-${d.appointmentId}.ics`, contentType: 'text/calendar; charset=utf-8', contentBase64: Buffer.from(appointmentIcs(d, cancelled), 'utf8').toString('base64') },
];

const when = (d: AppointmentData) => `${formatItalian(d.start, d.zone)} - ${new Intl.DateTimeFormat('it-IT', { timeZone: d.zone, hour: '2-digit', minute: '2-digit' }).format(new Date(d.end))}`;

const fields = (d: AppointmentData): [string, string | undefined][] => [
  ['Riferimento', d.appointmentId],
  ['Tipo di domanda', d.applicationTypeName],
  ['Data e ora', when(d)],
  ['Sportello', `${d.location} (${d.officeName})`],
  ['Indirizzo', d.address],
  ['Documenti da portare', d.documents.length ? d.documents.map((x) => `- ${x}`).join('\n') : undefined],
];

export const appointmentTemplates = {
  /** To the citizen: the booking, with the calendar entry. */
  'appointment-confirmed': (d: AppointmentData): RenderedEmail => ({
    ...renderEmail({
      subject: `[${d.appointmentId}] Conferma appuntamento - ${d.serviceName}`,
      greeting: 'Gentile utente,',
      paragraphs: ['le confermiamo l\'appuntamento allo sportello. In allegato trova il promemoria da aggiungere al suo calendario.'],
      fields: fields(d),
      closing: `Se non potrà essere presente, ci avvisi per tempo: l'appuntamento potrà essere spostato o annullato.\n\nCordiali saluti,\n${d.serviceName}`,
    }),
    attachments: icsAttachment(d),
  }),

  /** To the citizen: the business day before. */
  'appointment-reminder': (d: AppointmentData): RenderedEmail => ({
    ...renderEmail({
      subject: `[${d.appointmentId}] Promemoria: appuntamento ${formatItalian(d.start, d.zone)} - ${d.serviceName}`,
      greeting: 'Gentile utente,',
      paragraphs: ['le ricordiamo l\'appuntamento allo sportello. Porti con sé i documenti indicati.'],
      fields: fields(d),
    }),
    attachments: icsAttachment(d),
  }),

  /** To the citizen: the appointment moved to a new time. */
  'appointment-rescheduled': (d: AppointmentData): RenderedEmail => ({
    ...renderEmail({
      subject: `[${d.appointmentId}] Nuovo orario dell'appuntamento - ${d.serviceName}`,
      greeting: 'Gentile utente,',
      paragraphs: ['il suo appuntamento è stato spostato. Ecco la nuova data: il promemoria allegato sostituisce il precedente.'],
      fields: fields(d),
    }),
    attachments: icsAttachment(d),
  }),

  /** To the citizen: the appointment is cancelled. */
  'appointment-cancelled': (d: AppointmentData): RenderedEmail => ({
    ...renderEmail({
      subject: `[${d.appointmentId}] Appuntamento annullato - ${d.serviceName}`,
      greeting: 'Gentile utente,',
      paragraphs: ['il suo appuntamento è stato annullato. Per fissarne un altro può richiamare il servizio.'],
      fields: [...fields(d).slice(0, 4), ['Motivo', d.cancelReason ?? undefined]],
    }),
    attachments: icsAttachment(d, true),
  }),

  /** To the office's mailbox: the appointments of the day, in order. */
  'appointments-daily-list': (d: {
    serviceName: string;
    officeName: string;
    location: string;
    day: string;
    zone: string;
    items: { id: string; start: number; end: number; applicationType: string; citizen: string; status: string }[];
  }): RenderedEmail => {
    const time = (t: number) => new Intl.DateTimeFormat('it-IT', { timeZone: d.zone, hour: '2-digit', minute: '2-digit' }).format(new Date(t));
    const dayText = new Intl.DateTimeFormat('it-IT', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(`${d.day}T00:00:00Z`));
    const lines = d.items.map((i) => `${time(i.start)}-${time(i.end)}  ${i.id}  ${i.applicationType}  ${i.citizen}`);
    const email = renderEmail({
      subject: `Appuntamenti di ${dayText} - ${d.location}`,
      greeting: `${d.officeName},`,
      paragraphs: [d.items.length ? `ecco gli appuntamenti di oggi allo sportello ${d.location} (${d.items.length}).` : `oggi non ci sono appuntamenti allo sportello ${d.location}.`, ...(lines.length ? [lines.join('\n')] : [])],
      closing: `Cordiali saluti,\n${d.serviceName}`,
    });
    const table = d.items.length
      ? `<table style="border-collapse:collapse"><tr><th>Orario</th><th>Riferimento</th><th>Tipo</th><th>Cittadino</th></tr>${d.items
          .map((i) => `<tr><td>${time(i.start)}-${time(i.end)}</td><td>${escapeHtml(i.id)}</td><td>${escapeHtml(i.applicationType)}</td><td>${escapeHtml(i.citizen)}</td></tr>`)
          .join('')}</table>`
      : '';
    return { ...email, html: email.html.replace('</body>', `${table}</body>`) };
  },
};
