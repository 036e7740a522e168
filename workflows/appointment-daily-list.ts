/**
 * The offices' list of the day's appointments, started each morning by a Temporal Schedule (one per
 * service with appointments). Each office whose agenda is open today gets one email; the email key
 * (office and day) makes a second run of the same day send nothing again.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { durableActivity } from './activity-options';
import { rulesOf } from './kit';
import { agendaSlotsOn, localDay } from '../domain/appointments';
import type { AppointmentDailyListInput, AppointmentDailyListResult } from './appointment.contract';

const { notify, listAppointmentsOfDay } = proxyActivities<Activities>(durableActivity);

export async function appointmentDailyListWorkflow(input: AppointmentDailyListInput): Promise<AppointmentDailyListResult> {
  const { service, calendar } = await rulesOf(input);
  const zone = service.calendar.zone;
  const day = localDay(Date.now(), zone);
  const offices: string[] = [];
  for (const agenda of service.appointments?.agendas ?? []) {
    if (agendaSlotsOn(agenda, calendar, zone, day).length === 0) continue;
    const office = service.offices.find((o) => o.code === agenda.office)!;
    const { items } = await listAppointmentsOfDay({ office: agenda.office, day, zone });
    await notify({
      key: `appointment-daily-list:${agenda.office}:${day}`,
      to: [office.mailbox],
      template: 'appointments-daily-list',
      data: { serviceName: service.name, officeName: office.name, location: agenda.location, day, zone, items },
    });
    offices.push(agenda.office);
  }
  return { day, offices };
}
