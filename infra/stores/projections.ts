import type { ContactRecord, EscalationView, MissedCallView } from '../../domain/contacts';
import { contactToRow, escalationToRow } from './contacts';
import { missedCallToRow } from './missed-calls';
import { ComplaintProjection, InquiryProjection, complaintToRow, inquiryToRow } from './complaints';
import type { AppointmentView } from '../../domain/appointments';
import { appointmentToRow } from './appointments';

/**
 * Every read model a workflow projects into PostgreSQL: the workflow hands over its view, the
 * recorder maps it with the entity's toRow, which lives beside the store's fromRow.
 * Each table has `id text primary key` and `version integer`.
 */
export const projections = {
  contact: { table: 'contacts', toRow: contactToRow },
  escalation: { table: 'escalations', toRow: escalationToRow },
  missed_call: { table: 'missed_calls', toRow: missedCallToRow },
  complaint: { table: 'complaints', toRow: complaintToRow },
  inquiry: { table: 'inquiries', toRow: inquiryToRow },
  appointment: { table: 'appointments', toRow: appointmentToRow },
} as const;

/** A view handed over by a workflow, tagged with its entity. */
export type Projection =
  | { entity: 'contact'; view: ContactRecord }
  | { entity: 'escalation'; view: EscalationView }
  | { entity: 'missed_call'; view: MissedCallView }
  | { entity: 'complaint'; view: ComplaintProjection }
  | { entity: 'inquiry'; view: InquiryProjection }
  | { entity: 'appointment'; view: AppointmentView };

/** The table and row (snake_case columns) of a projection written at `at` (epoch ms). */
export function projectionRow(p: Projection, at: number): { table: string; row: Record<string, unknown> } {
  const { table, toRow } = projections[p.entity];
  return { table, row: (toRow as (view: Projection['view'], at: number) => Record<string, unknown>)(p.view, at) };
}
