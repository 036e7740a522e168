import request from 'supertest';
import { fastCatalog, startStack, Stack } from '../support/harness';

let stack: Stack;
let operator: string;
beforeAll(async () => {
  stack = await startStack({ catalog: fastCatalog() });
  operator = await stack.bearer('operator', undefined, 'Operatrice Rossi');
});
afterAll(async () => {
  await stack.stop();
});

const entry = (over: Record<string, unknown> = {}) => ({
  surname: 'Rossi',
  name: 'Mario',
  taxCode: 'RSSMRA85T10A562S',
  birthDate: '1985-12-10',
  jobType: 'Custode',
  jobCentre: 'CPI-TRENTO',
  phone: '0461 123456',
  email: 'mario.rossi@example.org',
  ...over,
});

const post = (path: string, body?: object, bearer = operator) => {
  const req = request(stack.app).post(`/api/v1${path}`).set('Authorization', bearer);
  return body ? req.send(body) : req;
};

describe('inserting entries', () => {
  it('inserts a pending entry, normalizing the tax code, and records who did it', async () => {
    const res = await post('/renewals', entry({ taxCode: 'rssmra 85t10 a562s', jobType: 'Assistenza scolastica', consentToPublish: true }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'pending', taxCode: 'RSSMRA85T10A562S', jobType: 'Assistenza scolastica', jobCentre: 'CPI-TRENTO', birthDate: '1985-12-10', consentToPublish: true, service: 'ADL' });
    expect(res.headers.location).toBe(`/api/v1/renewals/${res.body.id}`);
    const detail = await request(stack.app).get(`/api/v1/renewals/${res.body.id}`).set('Authorization', operator);
    expect(detail.body.history).toEqual([expect.objectContaining({ seq: 1, action: 'inserted', actor: { name: 'Operatrice Rossi', role: 'operator', office: null } })]);
  });

  it('refuses a tax code with a wrong check character or format, naming the field, and stores nothing', async () => {
    for (const taxCode of ['RSSMRA85T10A562T', 'RSSMRA85T10A56AS', 'RSSMRA85T10A562', 12345]) {
      const res = await post('/renewals', entry({ taxCode, jobType: 'Raccolta frutta' }));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['taxCode']);
    }
    const list = await request(stack.app).get('/api/v1/renewals?jobType=Raccolta frutta').set('Authorization', operator);
    expect(list.body.total).toBe(0);
  });

  it('accepts an omocodia tax code', async () => {
    const res = await post('/renewals', entry({ taxCode: 'RSSMRA85T10A56NH', jobType: 'Custode' }));
    expect(res.status).toBe(201);
  });

  it('refuses a job type or job centre outside the catalog, a bad date, e-mail or phone, and unknown fields', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ jobType: 'Astronauta' }, 'jobType'],
      [{ jobCentre: 'CPI-MARTE' }, 'jobCentre'],
      [{ birthDate: '1985-02-30' }, 'birthDate'],
      [{ email: 'not-an-email' }, 'email'],
      [{ phone: 'call me' }, 'phone'],
      [{ surname: '' }, 'surname'],
      [{ nickname: 'Super Mario' }, '(body)'],
    ];
    for (const [over, field] of cases) {
      const res = await post('/renewals', entry({ jobType: 'Operaio forestale', ...over }));
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
    }
  });

  it('refuses a second active entry for the same tax code and job type with 409, and allows it again after a cancellation', async () => {
    const first = await post('/renewals', entry({ jobType: 'Manutenzione del verde' }));
    expect(first.status).toBe(201);
    const second = await post('/renewals', entry({ jobType: 'Manutenzione del verde', name: 'Mario Luigi' }));
    expect(second.status).toBe(409);
    expect(second.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(second.body.detail).toContain(first.body.id);
    expect((await post(`/renewals/${first.body.id}/cancel`, { reason: 'Rinuncia' })).status).toBe(200);
    expect((await post('/renewals', entry({ jobType: 'Manutenzione del verde' }))).status).toBe(201);
  });

  it('answers a replayed Idempotency-Key with the same entry', async () => {
    const body = entry({ taxCode: 'BNCGLI90A41H501E', name: 'Giulia', surname: 'Bianchi', jobType: 'Lavori socialmente utili' });
    const a = await post('/renewals', body).set('Idempotency-Key', 'form-42');
    const b = await post('/renewals', body).set('Idempotency-Key', 'form-42');
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body.id).toBe(a.body.id);
    expect(b.headers['idempotent-replayed']).toBe('true');
  });
});

describe('confirming and cancelling', () => {
  it('moves pending -> confirmed -> cancelled and refuses impossible transitions with 409', async () => {
    const { body } = await post('/renewals', entry({ jobType: 'Raccolta frutta', taxCode: 'BNCGLI90A41H501E' }));
    const confirmed = await post(`/renewals/${body.id}/confirm`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'confirmed', confirmedAt: expect.any(String) });

    const again = await post(`/renewals/${body.id}/confirm`);
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toMatch(/application\/problem\+json/);

    const cancelled = await post(`/renewals/${body.id}/cancel`, { reason: 'Trovato lavoro' });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: 'Trovato lavoro' });
    expect((await post(`/renewals/${body.id}/cancel`)).status).toBe(409);
    expect((await post(`/renewals/${body.id}/confirm`)).status).toBe(409);

    const detail = await request(stack.app).get(`/api/v1/renewals/${body.id}`).set('Authorization', operator);
    expect(detail.body.history.map((h: { action: string }) => h.action)).toEqual(['inserted', 'confirmed', 'cancelled']);
    expect(detail.body.history[2].payload).toEqual({ reason: 'Trovato lavoro' });
  });

  it('cancels a pending entry directly and answers 404 for an unknown one', async () => {
    const { body } = await post('/renewals', entry({ jobType: 'Raccolta frutta', taxCode: 'RSSMRA85T10A56NH' }));
    expect((await post(`/renewals/${body.id}/cancel`)).body.status).toBe('cancelled');
    expect((await post('/renewals/00000000-0000-0000-0000-000000000000/confirm')).status).toBe(404);
  });
});

describe('listing', () => {
  it('filters by status, centre, job type, tax code and surname, newest first, and paginates', async () => {
    const bearer = await stack.bearer('operator');
    const made: string[] = [];
    for (const surname of ['Lista', 'Listone', 'Listino']) {
      const res = await post('/renewals', entry({ surname, jobCentre: 'CPI-CLES', jobType: 'Custode', taxCode: 'BNCGLI90A41H501E' }), bearer).then(async (r) => {
        // One active entry per tax code and job type: cancel to make room for the next one.
        if (surname !== 'Listino') await post(`/renewals/${r.body.id}/cancel`, undefined, bearer);
        return r;
      });
      made.push(res.body.id);
    }
    const get = (qs: string) => request(stack.app).get(`/api/v1/renewals?${qs}`).set('Authorization', bearer);

    const cles = await get('jobCentre=CPI-CLES');
    expect(cles.body.total).toBe(3);
    expect(cles.body.items.map((r: { id: string }) => r.id)).toEqual([...made].reverse());

    expect((await get('jobCentre=CPI-CLES&status=pending')).body.items.map((r: { surname: string }) => r.surname)).toEqual(['Listino']);
    expect((await get('jobCentre=CPI-CLES&status=cancelled')).body.total).toBe(2);
    expect((await get('jobCentre=CPI-CLES&surname=listo')).body.items.map((r: { surname: string }) => r.surname)).toEqual(['Listone']);
    expect((await get('jobCentre=CPI-CLES&taxCode=bncgli90a41h501e')).body.total).toBe(3);

    const page = await get('jobCentre=CPI-CLES&limit=2&offset=2');
    expect(page.body).toMatchObject({ total: 3, limit: 2, offset: 2 });
    expect(page.body.items.map((r: { id: string }) => r.id)).toEqual([made[0]]);

    expect((await get('status=archived')).status).toBe(400);
    expect((await get('limit=0')).status).toBe(400);
  });
});

describe('roles', () => {
  it('lets a supervisor read but not write; schedulers and offices may not touch entries', async () => {
    const supervisor = await stack.bearer('supervisor');
    expect((await request(stack.app).get('/api/v1/renewals').set('Authorization', supervisor)).status).toBe(200);
    expect((await post('/renewals', entry({ jobType: 'Custode', taxCode: 'BNCGLI90A41H501E' }), supervisor)).status).toBe(403);
    const scheduler = await stack.bearer('scheduler');
    expect((await request(stack.app).get('/api/v1/renewals').set('Authorization', scheduler)).status).toBe(403);
    const office = await stack.bearer('office', 'ADL-SPORTELLO');
    expect((await post('/renewals', entry(), office)).status).toBe(403);
    expect((await request(stack.app).get('/api/v1/renewals')).status).toBe(401);
  });
});
