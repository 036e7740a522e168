import request from 'supertest';
import type { Client } from '@temporalio/client';
import { createApp } from '../../api/app';
import { createLogger } from '../../infra/logger';
import { createTestDb, TestDb } from '../support/harness';
import { loadCatalogFile } from '../../infra/catalog-file';
import type { ApiKeyStore } from '../../infra/stores/api-keys';
import type { ContactStore } from '../../infra/stores/contacts';
import type { HistoryStore } from '../../infra/stores/history';

let testDb: TestDb;
beforeAll(async () => {
  testDb = await createTestDb();
});
afterAll(async () => {
  await testDb.drop();
});

describe('routers receive their stores', () => {
  it('serves GET /contacts/:id from fake stores, reading the contact, its escalations and its history at once', async () => {
    const started: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    // Each read waits a moment, so reads run one after the other would never overlap.
    const read = async <T>(name: string, value: T): Promise<T> => {
      started.push(name);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      return value;
    };
    const contact = { id: 'CON-2026-000001', service: 'ADL', status: 'triage', caller: {}, reason: 'motivo' };
    const apiKeys = {
      findActiveByKey: async (key: string) => (key === 'cc_fake' ? { id: '1', name: 'Operatore', role: 'operator', office: null, prefix: 'cc_fake', createdAt: '', revokedAt: null } : undefined),
    } as unknown as ApiKeyStore;
    const contacts = {
      get: (id: string) => read('contact', id === contact.id ? contact : undefined),
      listEscalations: () => read('escalations', []),
    } as unknown as ContactStore;
    const history = { list: () => read('history', [{ seq: 1, action: 'registered' }]) } as unknown as HistoryStore;
    const app = createApp({
      db: testDb.db,
      temporal: {} as Client, // never reached by a read
      taskQueue: 'unused',
      catalog: loadCatalogFile(),
      logger: createLogger('silent'),
      stores: { apiKeys, contacts, history },
    });

    const res = await request(app).get(`/api/v1/contacts/${contact.id}`).set('Authorization', 'Bearer cc_fake');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: contact.id, escalations: [], history: [{ seq: 1, action: 'registered' }] });
    expect(started.sort()).toEqual(['contact', 'escalations', 'history']);
    expect(maxInFlight).toBe(3);

    const missing = await request(app).get('/api/v1/contacts/CON-2026-999999').set('Authorization', 'Bearer cc_fake');
    expect(missing.status).toBe(404);
    expect((await request(app).get(`/api/v1/contacts/${contact.id}`).set('Authorization', 'Bearer cc_other')).status).toBe(401);
  });
});
