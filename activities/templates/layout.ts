/** Shared Italian email layout: every email is sent as plain text and as HTML. */

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  /** Files sent with the email (an .ics calendar entry). */
  attachments?: { filename: string; contentType?: string; contentBase64: string }[];
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Formats an instant in the service's zone, e.g. "lunedì 23 novembre 2026, 09:15". */
export function formatItalian(iso: string | number, zone: string): string {
  const d = typeof iso === 'number' ? new Date(iso) : new Date(iso);
  return new Intl.DateTimeFormat('it-IT', {
    timeZone: zone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(d);
}

/** Builds text and HTML bodies from the same paragraphs and labelled fields. */
export function renderEmail(opts: {
  subject: string;
  greeting?: string;
  paragraphs: string[];
  fields?: [label: string, value: string | undefined | null][];
  closing?: string;
}): RenderedEmail {
  const fields = (opts.fields ?? []).filter(([, v]) => v !== undefined && v !== null && v !== '') as [string, string][];
  const closing = opts.closing ?? 'Cordiali saluti,\nIl Contact Center';
  const text = [
    opts.greeting,
    ...opts.paragraphs,
    fields.length ? fields.map(([l, v]) => `${l}: ${v}`).join('\n') : undefined,
    closing,
    '--\nMessaggio generato automaticamente: per rispondere usare i canali indicati.',
  ]
    .filter(Boolean)
    .join('\n\n');
  const html = `<!doctype html><html lang="it"><head><meta charset="utf-8"><title>${escapeHtml(opts.subject)}</title></head><body style="font-family:Arial,sans-serif;color:#1a1a1a">
${opts.greeting ? `<p>${escapeHtml(opts.greeting)}</p>` : ''}
${opts.paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('\n')}
${fields.length ? `<table style="border-collapse:collapse">${fields.map(([l, v]) => `<tr><th style="text-align:left;padding:2px 12px 2px 0">${escapeHtml(l)}</th><td>${escapeHtml(v).replace(/\n/g, '<br>')}</td></tr>`).join('')}</table>` : ''}
<p>${escapeHtml(closing).replace(/\n/g, '<br>')}</p>
<p style="color:#555;font-size:small">Messaggio generato automaticamente: per rispondere usare i canali indicati.</p>
</body></html>`;
  return { subject: opts.subject, text, html };
}

/** "Ufficio patenti," — an office whose catalog name already says "Ufficio" is not called "Ufficio Ufficio ...". */
export function officeGreeting(officeName: string): string {
  return /^ufficio\b/i.test(officeName.trim()) ? `${officeName.trim()},` : `Ufficio ${officeName},`;
}
