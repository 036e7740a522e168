/** Inputs and results of the renewals export's activities (activities/export.ts). */
export type ExportTrigger = 'schedule' | 'manual';
export interface ExportCentre {
  code: string;
  name: string;
  mailbox: string;
}
export type CentreDeliveryStatus = 'sent' | 'unconfirmed' | 'skipped';
export interface PlanRenewalsExportsInput {
  service: string;
  scheduledDate: string;
  today: string;
  catchUpDays: number;
}
export interface PlanRenewalsExportsResult {
  dates: string[];
  scheduledDateIsBusinessDay: boolean;
}
export interface OpenRenewalsExportInput {
  date: string;
  service: string;
  trigger: ExportTrigger;
  requestedBy: string;
  workflowId: string;
  runId: string;
}
export interface OpenRenewalsExportResult {
  zone: string;
  centres: ExportCentre[];
  periodStart: number;
  periodEnd: number;
  runs: number;
}
export interface ExportCentreInput {
  date: string;
  service: string;
  zone: string;
  periodStart: number;
  periodEnd: number;
  centre: ExportCentre;
}
export interface ExportCentreResult {
  centre: string;
  status: CentreDeliveryStatus;
  /** Recorded by an earlier run: nothing was built or sent this time. */
  alreadyDelivered: boolean;
  rows: number;
  counts: { inserted: number; confirmed: number; cancelled: number };
  messageId: string | null;
}
export interface CloseRenewalsExportInput {
  date: string;
  runId: string;
  status: 'completed' | 'failed';
  error?: string;
}
