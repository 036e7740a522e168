import type { Db } from '../infra/db';
import type { Mailer } from '../infra/mailer';
import type { ServiceCatalog } from '../domain/catalog';
import { createSentEmailStore } from '../infra/stores/sent-emails';
import { createMailActivities } from './mail';
import { createDbActivities } from './db';
import { createExportActivities } from './export';
import { createNotifyActivities } from './notify';
import { nonRetryableOnBadData } from './pg-errors';
import { createPrivacyActivities } from './privacy';
import { createPrivacyStore } from '../infra/stores/privacy';
import { createCatalogActivities } from './catalog';
import { createCatalogVersionStore } from '../infra/stores/catalog-versions';
import { createAppointmentActivities } from './appointments';
import { createSurveyActivities, type SurveySettings } from './survey';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  catalog: ServiceCatalog;
  settings: {
    /** Send a "nessuna variazione" email to job centres with no changes. */
    renewalsSendEmpty: boolean;
    /** Satisfaction surveys (activities/survey.ts); without them no survey is scheduled. */
    survey?: SurveySettings;
  };
}

/** Builds every activity with its dependencies; the worker registers the result. */
export function createActivities(deps: ActivityDeps) {
  const sentEmails = createSentEmailStore(deps.db);
  const notifier = createNotifyActivities({ mailer: deps.mailer, sentEmails, privacy: createPrivacyStore(deps.db) });
  return nonRetryableOnBadData({
    ...createMailActivities({ mailer: deps.mailer, sentEmails }),
    ...createDbActivities({ db: deps.db }),
    ...createExportActivities({ db: deps.db, mailer: deps.mailer, sentEmails, catalog: deps.catalog, sendEmpty: deps.settings.renewalsSendEmpty }),
    ...createNotifyActivities({ mailer: deps.mailer, sentEmails, privacy: createPrivacyStore(deps.db) }),
    ...createPrivacyActivities({ db: deps.db }),
    ...createCatalogActivities({ catalog: deps.catalog, versions: createCatalogVersionStore(deps.db) }),
    ...createAppointmentActivities({ db: deps.db, catalog: deps.catalog }),
    ...createSurveyActivities({ db: deps.db, settings: deps.settings.survey, notify: notifier.notify }),
    async echo(input: { text: string }): Promise<{ echo: string }> {
      return { echo: input.text };
    },
  });
}

export type Activities = ReturnType<typeof createActivities>;
