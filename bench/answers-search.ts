/**
 * Standard-answer search at scale: 50,000 answers (far more than any office writes) over three
 * services, searched as operators do (service, a few words, the last half-typed), through the
 * store the API uses. Prints p50/p99 per query shape and the ratio to a primary-key lookup.
 *
 *   npm run bench:answers-search
 */
import { performance } from 'node:perf_hooks';
import { startBenchDatabase } from './support';
import { createStandardAnswerStore } from '../infra/stores/standard-answers';

const ANSWERS = 50_000;
const RUNS = 200;
const WORDS = (
  'raccolta frutta mele vendemmia candidatura iscrizione università orientamento tirocinio sportello orari sede ' +
  'patente revisione veicolo immatricolazione duplicato libretto collocamento mobilità indennità contributo ' +
  'amianto energia rinnovabili impresa domanda scadenza documento identità portale lavoro centro impiego ' +
  'appuntamento prenotazione rinnovo certificato residenza pagamento bollo esame teoria pratica foglio rosa'
).split(' ');

function pick<T>(xs: T[], i: number): T {
  return xs[i % xs.length];
}

function sentence(seed: number, words: number): string {
  let x = seed;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(pick(WORDS, x));
  }
  return out.join(' ');
}

async function percentiles(fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(RUNS * 0.5)], p99: samples[Math.floor(RUNS * 0.99)] };
}

async function main() {
  const { db, stop } = await startBenchDatabase('answers', { max: 4 });
  try {
    const services = ['ADL', 'MCTC', 'APIAE'];
    const now = new Date().toISOString();
    for (let start = 0; start < ANSWERS; start += 2_000) {
      const rows = Array.from({ length: Math.min(2_000, ANSWERS - start) }, (_, k) => {
        const i = start + k;
        return { id: `ANS-${String(i + 1).padStart(6, '0')}`, service: pick(services, i), category: null, version: 1, title: i % 500 === 0 ? `Fragole e ${sentence(i + 1, 4)}` : sentence(i + 1, 5), body: sentence(i + 7, 60), created_at: now, updated_at: now };
      });
      await db('standard_answers').insert(rows);
    }
    await db.raw('analyze standard_answers');
    const store = createStandardAnswerStore(db);
    const base = { service: 'ADL', validAt: Date.now(), includeRetired: false, limit: 8, offset: 0 };
    // A 50-word vocabulary: every answer holds most words, so the shapes below rank ~16,000
    // matches each (the worst case); 'fragole' is in 1 answer of 500 (the usual, selective case).
    const shapes: [string, () => Promise<unknown>][] = [
      ['selective word (100 hits)', () => store.list({ ...base, q: 'fragol' })],
      ['one word', () => store.list({ ...base, q: 'vendemmia' })],
      ['two words, accents', () => store.list({ ...base, q: 'universita iscrizione' })],
      ['three words, half-typed', () => store.list({ ...base, q: 'raccolta frutta cand' })],
      ['rare combination', () => store.list({ ...base, q: 'amianto foglio rosa bollo' })],
    ];
    const byId = await percentiles(() => store.get('ANS-012345'));
    console.log(`${ANSWERS} answers; ${RUNS} runs each; primary-key lookup p50 ${byId.p50.toFixed(2)} ms, p99 ${byId.p99.toFixed(2)} ms`);
    for (const [name, fn] of shapes) {
      const r = await percentiles(fn);
      console.log(`${name.padEnd(26)} p50 ${r.p50.toFixed(2).padStart(7)} ms  p99 ${r.p99.toFixed(2).padStart(7)} ms  ratio to lookup (p50) ${(r.p50 / byId.p50).toFixed(1)}`);
    }
    const plan = await db.raw("explain select id from standard_answers where search @@ to_tsquery('italian_unaccent', 'vendemmia:*')");
    console.log(plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n'));
  } finally {
    await stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
