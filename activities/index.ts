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
import type { Client } from '@temporalio/client';
import { createInboundMailActivities } from './inbound-mail';
import { TASK_QUEUE } from '../workflows/common';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  catalog: ServiceCatalog;
  settings: {
    /** Send a "nessuna variazione" email to job centres with no changes. */
    renewalsSendEmpty: boolean;
    /** Satisfaction surveys (activities/survey.ts); without them no survey is scheduled. */
    survey?: SurveySettings;
    /** A citizen's email reply to a closed case (INBOUND_REPLY_TO_CLOSED); default new-contact. */
    inboundReplyToClosed?: 'new-contact' | 'reopen';
    /** Our sending address (MAIL_FROM): inbound mail from it is a loop. */
    mailFrom?: string;
  };
  /** The worker's Temporal client: activities that start or update workflows (inbound mail). */
  temporal?: Client;
  /** The task queue workflows started by activities run on (default TASK_QUEUE). */
  taskQueue?: string;
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
    ...createInboundMailActivities({
      db: deps.db,
      catalog: deps.catalog,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue ?? TASK_QUEUE,
      replyToClosed: deps.settings.inboundReplyToClosed ?? 'new-contact',
      ownAddresses: deps.settings.mailFrom ? [addressOf(deps.settings.mailFrom)] : [],
    }),
    async echo(input: { text: string }): Promise<{ echo: string }> {
      return { echo: input.text };
    },
  });
}

/** The address of a `Name <address>` sender. */
function addressOf(from: string): string {
  return (/<([^<>]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();
}

export type Activities = ReturnType<typeof createActivities>;
