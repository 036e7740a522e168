/**
 * The satisfaction survey's public pages. The email's links (`GET /valutazione?t=&voto=`) only show
 * the choice, pre-selected, with a confirm button: mail scanners that prefetch links never vote.
 * `POST /valutazione` (form post or JSON `{t, voto}`) records the vote: one per case, changeable for
 * SURVEY_CHANGE_DAYS after the first. Bad, tampered or expired links get an Italian page with a 4xx.
 */
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { RouterDeps } from '../app';
import { Problem, sendProblem } from '../errors';
import { esc, sendPage } from '../public-pages';
import { createSurveyStore, type SurveyRow } from '../../infra/stores/surveys';
import { checkSurveyToken, surveyChangeMs, SURVEY_CHANGE_DAYS, type SurveyTokenPayload } from '../../infra/survey-token';

const SCORE_LABELS = ['', 'Per niente soddisfatto', 'Poco soddisfatto', 'Abbastanza soddisfatto', 'Soddisfatto', 'Molto soddisfatto'];
const voteSchema = z.object({ t: z.string().max(600), voto: z.coerce.number({ error: 'Scelga un voto da 1 a 5' }).int('Scelga un voto da 1 a 5').min(1, 'Scelga un voto da 1 a 5').max(5, 'Scelga un voto da 1 a 5') });
const viewSchema = z.object({ t: z.string().max(600).optional(), voto: z.string().max(2).optional() });

const dateIt = (d: Date) => new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);

export function surveyPagesRouter(deps: RouterDeps & { surveyTokenSecret?: string; now?: () => number }): Router {
  const router = Router();
  const store = createSurveyStore(deps.db);
  const now = deps.now ?? Date.now;

  type Outcome = { ok: true; token: string; payload: SurveyTokenPayload; row: SurveyRow } | { ok: false; status: number; title: string; text: string };
  /** The token's survey, or the page explaining why the link cannot be used. */
  async function surveyOf(token: string | undefined): Promise<Outcome> {
    if (!deps.surveyTokenSecret) return { ok: false, status: 503, title: 'Servizio non disponibile', text: 'Il questionario non è disponibile in questo momento. Riprovi più tardi.' };
    const check = checkSurveyToken(deps.surveyTokenSecret, token ?? '', now());
    if (!check.ok && check.reason === 'expired') return { ok: false, status: 410, title: 'Collegamento scaduto', text: 'Il collegamento per esprimere il voto è scaduto. Grazie comunque per l’attenzione.' };
    if (!check.ok) return { ok: false, status: 400, title: 'Collegamento non valido', text: 'Il collegamento non è valido: è stato modificato o copiato in modo incompleto. Usi il collegamento ricevuto per email.' };
    const row = await store.get(check.payload.kind, check.payload.caseId);
    if (!row) return { ok: false, status: 404, title: 'Questionario non trovato', text: 'Non troviamo il questionario di questa pratica.' };
    return { ok: true, token: token!, payload: check.payload, row };
  }
  const closedFor = (row: SurveyRow) => row.firstVotedAt !== null && now() - row.firstVotedAt.getTime() > surveyChangeMs;
  const closedText = (row: SurveyRow) =>
    `Il voto per la pratica ${row.caseId} è stato registrato il ${dateIt(row.firstVotedAt!)} e poteva essere cambiato per ${SURVEY_CHANGE_DAYS} giorni: non è più modificabile. Voto registrato: ${row.score}.`;

  const fail = (req: Request, res: Response, o: { status: number; title: string; text: string }) => {
    if (typeof req.is('application/json') === 'string') return sendProblem(res, new Problem(o.status, o.title, o.text));
    sendPage(res, o.status, { title: o.title, body: `<div class="notice bad" role="alert"><h1>${esc(o.title)}</h1><p>${esc(o.text)}</p></div>` });
  };

  router.get('/valutazione', async (req, res) => {
    const q = viewSchema.safeParse(req.query);
    const survey = await surveyOf(q.success ? q.data.t : undefined);
    if (!survey.ok) return fail(req, res, survey);
    const { row } = survey;
    if (closedFor(row)) return fail(req, res, { status: 409, title: 'Voto già registrato', text: closedText(row) });
    const asked = q.success && q.data.voto && /^[1-5]$/.test(q.data.voto) ? Number(q.data.voto) : null;
    const chosen = asked ?? row.score;
    const already = row.score !== null && row.firstVotedAt
      ? `<p>Ha già espresso il voto <strong>${row.score}</strong>. Può cambiarlo fino al ${esc(dateIt(new Date(row.firstVotedAt.getTime() + surveyChangeMs)))}.</p>`
      : '';
    sendPage(res, 200, {
      title: 'Valuti il servizio',
      body: `<h1>Quanto è soddisfatto della risposta ricevuta?</h1>
<p class="lead">Pratica ${esc(row.caseId)}. Confermi il voto con il pulsante: il voto è registrato solo dopo la conferma.</p>
${already}
<form class="pform" method="post" action="/valutazione">
  <input type="hidden" name="t" value="${esc(survey.token)}">
  <fieldset class="scores"><legend>Il suo voto, da 1 (per niente soddisfatto) a 5 (molto soddisfatto)</legend>
    ${[1, 2, 3, 4, 5].map((n) => `<label><input type="radio" name="voto" value="${n}" required${chosen === n ? ' checked' : ''}> ${n} - ${SCORE_LABELS[n]}</label>`).join('\n    ')}
  </fieldset>
  <button type="submit">Conferma il voto</button>
</form>`,
    });
  });

  router.post('/valutazione', express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 }), async (req, res) => {
    const body = voteSchema.safeParse(req.body ?? {});
    const survey = await surveyOf(typeof req.body?.t === 'string' ? req.body.t : undefined);
    if (!survey.ok) return fail(req, res, survey);
    if (!body.success) return fail(req, res, { status: 400, title: 'Voto mancante', text: 'Scelga un voto da 1 a 5 e confermi.' });
    const outcome = await store.vote(survey.payload.kind, survey.payload.caseId, body.data.voto, now());
    if (outcome.status === 'unknown') return fail(req, res, { status: 404, title: 'Questionario non trovato', text: 'Non troviamo il questionario di questa pratica.' });
    if (outcome.status === 'closed') return fail(req, res, { status: 409, title: 'Voto già registrato', text: closedText(outcome.row) });
    const until = new Date(outcome.row.firstVotedAt!.getTime() + surveyChangeMs);
    if (typeof req.is('application/json') === 'string') {
      res.json({ caseId: outcome.row.caseId, score: outcome.row.score, status: outcome.status, changeableUntil: until.toISOString() });
      return;
    }
    sendPage(res, 200, {
      title: 'Grazie',
      body: `<div class="notice ok" role="status"><h1>Grazie per la sua valutazione</h1><p>${outcome.status === 'changed' ? 'Il voto è stato cambiato' : 'Il voto è stato registrato'}: <strong id="score">${outcome.row.score}</strong> - ${esc(SCORE_LABELS[outcome.row.score!])}.</p><p>Potrà cambiarlo con lo stesso collegamento fino al ${esc(dateIt(until))}.</p></div>`,
    });
  });

  return router;
}
