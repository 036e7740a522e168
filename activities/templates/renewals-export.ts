/** Italian texts of the daily renewals export: the email to each job centre and the files' headings. */
import { renderEmail, formatItalian, RenderedEmail } from './layout';

// The files' labels and headings live with the file builder; the email names them too.
export { ACTION_LABELS, EXPORT_HEADINGS } from '../../reports/renewals-export-files';

/** 'YYYY-MM-DD' as 'lunedì 23 novembre 2026'. */
export function italianDate(date: string): string {
  return new Intl.DateTimeFormat('it-IT', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(`${date}T00:00:00Z`));
}

export interface ExportEmailInput {
  date: string;
  zone: string;
  serviceName: string;
  centreName: string;
  periodStart: number;
  periodEnd: number;
  counts: { inserted: number; confirmed: number; cancelled: number };
  rows: number;
  attachments: string[];
}

export function renewalsExportEmail(p: ExportEmailInput): RenderedEmail {
  const day = italianDate(p.date);
  const period = `Periodo: da ${formatItalian(p.periodStart, p.zone)} a ${formatItalian(p.periodEnd, p.zone)}`;
  if (p.rows === 0) {
    return renderEmail({
      subject: `Banca dati rinnovi - nessuna variazione - ${day}`,
      greeting: `Spettabile ${p.centreName},`,
      paragraphs: [`per la giornata di ${day} non ci sono variazioni della banca dati rinnovi (${p.serviceName}) di vostra competenza.`, period],
    });
  }
  return renderEmail({
    subject: `Banca dati rinnovi - variazioni di ${day}`,
    greeting: `Spettabile ${p.centreName},`,
    paragraphs: [
      `in allegato le variazioni della banca dati rinnovi (${p.serviceName}) di vostra competenza per la giornata di ${day}.`,
      'Ogni riga riporta l\'azione svolta (inserimento, conferma o cancellazione) con data e ora. I due allegati contengono gli stessi dati: il file CSV (separatore punto e virgola) si apre direttamente con Excel, il file XLSX è un foglio di calcolo.',
      period,
    ],
    fields: [
      ['Variazioni', String(p.rows)],
      ['Inserimenti', String(p.counts.inserted)],
      ['Conferme', String(p.counts.confirmed)],
      ['Cancellazioni', String(p.counts.cancelled)],
      ['Allegati', p.attachments.join(', ')],
    ],
  });
}
