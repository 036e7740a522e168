import type { Service } from './catalog';
import { businessCalendar } from './business-calendar';
import { openNotices } from './appointments';

const DAY_NAMES: Record<string, string> = { mon: 'lunedì', tue: 'martedì', wed: 'mercoledì', thu: 'giovedì', fri: 'venerdì', sat: 'sabato', sun: 'domenica' };
const ORDER = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** The service window in Italian words, e.g. "dal lunedì al venerdì, dalle 08:00 alle 17:00". */
export function describeWindow(service: Service): string {
  const cal = service.calendar;
  if (cal.alwaysOpen) return 'tutti i giorni, 24 ore su 24';
  return cal.weekly
    .map((w) => {
      const days = [...w.days].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
      const consecutive = days.every((d, i) => i === 0 || ORDER.indexOf(d) === ORDER.indexOf(days[i - 1]) + 1);
      const dayText =
        days.length === 1 ? `il ${DAY_NAMES[days[0]]}` : consecutive ? `dal ${DAY_NAMES[days[0]]} al ${DAY_NAMES[days.at(-1)!]}` : days.map((d) => DAY_NAMES[d]).join(', ');
      return `${dayText}, dalle ${w.from} alle ${w.to}`;
    })
    .join('; ');
}

export interface Greeting {
  service: string;
  open: boolean;
  /** Which recorded message the IVR plays now. */
  message: 'welcome' | 'out-of-hours';
  text: string;
  window: string;
  nextOpening: string | null;
  /** Application types taken now, announced on the appointment line (empty without appointments). */
  notices: { applicationType: string; text: string }[];
}

/** What the IVR says at instant `t`: the welcome, or the out-of-hours message with the window and the next opening. */
export function greetingAt(service: Service, t: number): Greeting {
  const calendar = businessCalendar(service.calendar);
  const open = calendar.isOpen(t);
  const window = describeWindow(service);
  if (open) {
    return { service: service.code, open, message: 'welcome', text: service.messages.welcome ?? `Benvenuti nel servizio ${service.name}.`, window, nextOpening: null, notices: openNotices(service, t) };
  }
  const next = calendar.nextOpening(t);
  const when = new Intl.DateTimeFormat('it-IT', { timeZone: service.calendar.zone, weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' }).format(new Date(next));
  // The configured message says the hours in its own words; the next opening is always added.
  const base =
    service.messages.outOfHours ??
    `Il servizio ${service.name} è chiuso. Orario: ${window}, festivi esclusi. Può lasciare un messaggio in segreteria: sarà preso in carico alla riapertura.`;
  return {
    service: service.code,
    open,
    message: 'out-of-hours',
    text: `${base} Riapriremo ${when}.`,
    window,
    nextOpening: new Date(next).toISOString(),
    notices: openNotices(service, t),
  };
}
