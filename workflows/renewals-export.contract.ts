/** The renewals export's messages and types (workflows/renewals-export.ts). */
import { defineQuery } from '@temporalio/workflow';
import type { CentreDeliveryStatus, ExportTrigger } from '../activities/export.contract';

export type { CentreDeliveryStatus, ExportCentre, ExportTrigger } from '../activities/export.contract';
export type { ScheduledRenewalsExportInput } from '../domain/renewals';

export interface ScheduledRenewalsExportResult {
  scheduledDate: string;
  scheduledDateIsBusinessDay: boolean;
  runs: { date: string; status: string }[];
}
export interface RenewalsExportInput {
  date: string;
  service: string;
  trigger: ExportTrigger;
  requestedBy: string;
}
export interface RenewalsExportProgress {
  date: string;
  status: 'starting' | 'running' | 'completed' | 'failed';
  centresTotal: number;
  centresDone: number;
  rows: number;
  centres: { code: string; status: 'pending' | 'exporting' | CentreDeliveryStatus; rows: number | null; alreadyDelivered: boolean }[];
}
export type RenewalsExportResult = RenewalsExportProgress;

export const renewalsExportProgressQuery = defineQuery<RenewalsExportProgress>('renewalsExportProgress');
