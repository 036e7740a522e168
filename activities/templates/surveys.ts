import { escapeHtml, renderEmail, RenderedEmail } from './layout';

/** Italian emails of the public channels: the "Scrivi" form's receipt and the satisfaction survey. */

const SCORE_LABELS = ['', 'Per niente soddisfatto', 'Poco soddisfatto', 'Abbastanza soddisfatto', 'Soddisfatto', 'Molto soddisfatto'];
export const scoreLabel = (n: number) => SCORE_LABELS[n] ?? String(n);

export const surveyTemplates = {
  /** To the citizen: what they wrote through /scrivi was received, with its reference. */
  'scrivi-received': (d: { reference: string; kind: 'request' | 'complaint'; serviceName: string }): RenderedEmail =>
    renderEmail({
      subject: `[${d.reference}] Abbiamo ricevuto il suo ${d.kind === 'complaint' ? 'reclamo' : 'messaggio'} - ${d.serviceName}`,
      greeting: 'Gentile utente,',
      paragraphs: [
        d.kind === 'complaint'
          ? `abbiamo ricevuto il suo reclamo sul servizio ${d.serviceName}. L'Ufficio Relazioni con il Pubblico lo esaminerà e le risponderà entro i termini previsti.`
          : `abbiamo ricevuto la sua richiesta di informazioni sul servizio ${d.serviceName}. Le risponderemo al più presto a questo indirizzo.`,
        'Per qualsiasi comunicazione su questa pratica indichi il riferimento riportato qui sotto.',
      ],
      fields: [['Riferimento', d.reference]],
    }),

  /** To the citizen, after the answer: five links, one per score; each opens a page to confirm. */
  'survey-request': (d: { reference: string; serviceName: string; links: string[] }): RenderedEmail => {
    const email = renderEmail({
      subject: `[${d.reference}] Com'è andata? Ci dica la sua opinione - ${d.serviceName}`,
      greeting: 'Gentile utente,',
      paragraphs: [
        `abbiamo concluso la pratica indicata qui sotto. Quanto è soddisfatto della risposta ricevuta dal servizio ${d.serviceName}?`,
        `Scelga un voto da 1 (per niente soddisfatto) a 5 (molto soddisfatto); potrà confermarlo nella pagina che si apre:\n${d.links.map((l, i) => `${i + 1} - ${scoreLabel(i + 1)}: ${l}`).join('\n')}`,
        'Il voto è anonimo rispetto ai contenuti della pratica e può essere cambiato per 7 giorni.',
      ],
      fields: [['Riferimento', d.reference]],
    });
    // The HTML links are real anchors (the text version lists the addresses).
    const anchors = d.links.map((l, i) => `<a href="${escapeHtml(l)}" style="display:inline-block;margin:4px;padding:8px 14px;border:1px solid #0b57a4;color:#0b57a4;text-decoration:none">${i + 1} - ${escapeHtml(scoreLabel(i + 1))}</a>`).join(' ');
    const html = email.html.replace(/<p>Scelga un voto[\s\S]*?<\/p>/, `<p>Scelga un voto da 1 (per niente soddisfatto) a 5 (molto soddisfatto); potrà confermarlo nella pagina che si apre:</p><p>${anchors}</p>`);
    return { ...email, html };
  },
};
