import type { Db } from '../db';
import { createApiKeyStore, withKeyCache, type ApiKeyStore } from './api-keys';
import { createCallStore, type CallStore } from './calls';
import { createComplaintStore, type ComplaintStore } from './complaints';
import { createContactStore, type ContactStore } from './contacts';
import { createCrmReportStore, type CrmReportStore } from './crm-report';
import { createExportStore, type ExportStore } from './exports';
import { createHistoryStore, type HistoryStore } from './history';
import { createMissedCallStore, type MissedCallStore } from './missed-calls';
import { createRenewalStore, type RenewalStore } from './renewals';
import { createStandardAnswerStore, type StandardAnswerStore } from './standard-answers';
import { createKnowledgeReportStore, type KnowledgeReportStore } from './knowledge-report';
import { createOverviewStore, type OverviewStore } from './overview';

/** The stores the API reads and writes through; a test may replace any of them with a fake. */
export interface Stores {
  apiKeys: ApiKeyStore;
  calls: CallStore;
  complaints: ComplaintStore;
  contacts: ContactStore;
  crmReport: CrmReportStore;
  exports: ExportStore;
  history: HistoryStore;
  missedCalls: MissedCallStore;
  renewals: RenewalStore;
  standardAnswers: StandardAnswerStore;
  knowledgeReport: KnowledgeReportStore;
  overview: OverviewStore;
}

/** How long the API trusts a key it found active: a revocation is seen within this time. */
export const API_KEY_CACHE_TTL_MS = 5000;

export function createStores(db: Db, opts: { apiKeyCacheTtlMs?: number } = {}): Stores {
  return {
    apiKeys: withKeyCache(createApiKeyStore(db), { ttlMs: opts.apiKeyCacheTtlMs ?? API_KEY_CACHE_TTL_MS }),
    calls: createCallStore(db),
    complaints: createComplaintStore(db),
    contacts: createContactStore(db),
    crmReport: createCrmReportStore(db),
    exports: createExportStore(db),
    history: createHistoryStore(db),
    missedCalls: createMissedCallStore(db),
    renewals: createRenewalStore(db),
    standardAnswers: createStandardAnswerStore(db),
    knowledgeReport: createKnowledgeReportStore(db),
    overview: createOverviewStore(db),
  };
}
