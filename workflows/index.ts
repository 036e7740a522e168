// Every workflow the worker runs; one workflow per file.
export { pingWorkflow } from './ping';
export { renewalsExportWorkflow, scheduledRenewalsExportWorkflow } from './renewals-export';
export { contactWorkflow } from './contact';
export { escalationWorkflow } from './escalation';
export { complaintWorkflow } from './complaint';
export { missedCallWorkflow } from './missed-call';
export { retentionWorkflow } from './retention';
export { appointmentWorkflow } from './appointment';
export { appointmentDailyListWorkflow } from './appointment-daily-list';
export { surveyWorkflow } from './survey';
export { scriviReceiptWorkflow } from './scrivi-receipt';
export { inboundMailWorkflow } from './inbound-mail';
