import { z } from 'zod';
import { Duration } from 'luxon';

/**
 * The services catalog is configuration data (SERVICES_FILE, YAML or JSON): every service with its
 * calendar, offices, categories, IVR menu and SLA. Nothing here is hard-coded per service.
 */

const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected HH:mm');
const dayRule = z.string().regex(/^(\d{4}-)?\d{2}-\d{2}$/, 'expected MM-DD (every year) or YYYY-MM-DD');
const email = z.email();
const isoDuration = z.string().refine((s) => Duration.fromISO(s).isValid, 'expected an ISO 8601 duration such as PT4H or P2D');
const zone = z.string().refine((z) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: z });
    return true;
  } catch {
    return false;
  }
}, 'unknown IANA time zone');

export const calendarSchema = z
  .object({
    zone,
    /** 24/7: every instant is business time; SLA durations become plain elapsed time. */
    alwaysOpen: z.boolean().default(false),
    weekly: z.array(z.object({ days: z.array(weekday).min(1), from: clockTime, to: clockTime })).default([]),
    /** Public holidays from date-holidays, e.g. {country: IT} or {country: IT, state: '25'}. */
    holidays: z.object({ country: z.string().length(2), state: z.string().optional(), region: z.string().optional() }).nullable().default(null),
    /** Extra closed days (a patron saint's day, a bridge day). */
    closedDates: z.array(dayRule).default([]),
    /** Days open although a holiday would close them. */
    openDates: z.array(dayRule).default([]),
  })
  .refine((c) => c.alwaysOpen || c.weekly.length > 0, { message: 'a calendar needs a weekly window unless alwaysOpen', path: ['weekly'] });

export const referentSchema = z.object({ name: z.string().min(1), email, phone: z.string().optional() });

export const officeSchema = z.object({
  code: z.string().regex(/^[A-Z0-9][A-Z0-9_-]*$/, 'office codes are upper case letters, digits, - and _'),
  name: z.string().min(1),
  mailbox: email,
  referents: z.array(referentSchema).default([]),
});

export const ivrOptionSchema = z.object({
  code: z.string().min(1),
  label: z.string().min(1),
  /** route: to an office/referent; auto-answer: answered by a recorded message (resolved at first level); booking: appointment. */
  action: z.enum(['route', 'auto-answer', 'booking']),
  office: z.string().optional(),
  referent: z.string().optional(),
  subService: z.string().optional(),
  category: z.string().optional(),
});

export const slaSchema = z.object({
  takeCharge: isoDuration.default('PT4H'),
  resolve: isoDuration.default('P3D'),
  reminderLead: isoDuration.default('PT1H'),
  callback: isoDuration.default('PT4H'),
  complaintTerm: isoDuration.default('P30D'),
  /** Business time an escalation waits for the citizen's reply before it goes back to the office. */
  citizenReplyLimit: isoDuration.default('P10D'),
  answerTimeTargetSec: z.number().positive().default(13),
  abandonedPctTarget: z.number().min(0).max(100).default(3),
  firstLevelResolvedPctTarget: z.number().min(0).max(100).default(75),
});

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** A kind of application citizens book a slot for, taken only inside its open period. */
export const applicationTypeSchema = z.object({
  code: z.string().regex(/^[A-Z0-9][A-Z0-9_-]*$/, 'application type codes are upper case letters, digits, - and _'),
  name: z.string().min(1),
  /** First and last local day appointments of this type may fall on (inclusive). */
  openFrom: isoDay,
  openTo: isoDay,
  /** What the IVR tells callers while the type is open ("gestione avvisi"). */
  notice: z.string().min(1),
  documents: z.array(z.string().min(1)).default([]),
  /** Agendas (office codes) that take this type; all of the service's agendas when absent. */
  offices: z.array(z.string()).optional(),
});

/** An office's electronic agenda: desk hours cut into slots, several desks serving in parallel. */
export const agendaSchema = z.object({
  office: z.string(),
  location: z.string().min(1),
  address: z.string().min(1),
  weekly: z.array(z.object({ days: z.array(weekday).min(1), from: clockTime, to: clockTime })).min(1),
  slotMinutes: z.number().int().min(5).max(240),
  desks: z.number().int().min(1).max(50),
  /** One-off closures of this agenda (the whole day, or from/to on that day). */
  closures: z.array(z.object({ date: isoDay, from: clockTime.optional(), to: clockTime.optional(), reason: z.string().optional() })).default([]),
});

export const appointmentsSchema = z.object({
  applicationTypes: z.array(applicationTypeSchema).min(1),
  agendas: z.array(agendaSchema).min(1),
  /** Local hour of the reminder on the business day before the appointment. */
  reminderAt: clockTime.default('09:00'),
  /** Instead, a plain lead before the slot (e.g. PT30S to try reminders fast, like SLA durations of seconds). */
  reminderLead: isoDuration.optional(),
  /** Local hour the office receives the day's list. */
  dailyListAt: clockTime.default('07:30'),
});

export const serviceSchema = z
  .object({
    code: z.string().regex(/^[A-Z0-9][A-Z0-9_-]*$/, 'service codes are upper case letters, digits, - and _'),
    name: z.string().min(1),
    description: z.string().optional(),
    phoneNumbers: z.array(z.string()).default([]),
    calendar: calendarSchema,
    /** `inbound`: public mailboxes whose mail becomes a contact of this service, besides the sector mailbox. */
    mailboxes: z.object({ sector: email, supervisor: email, inbound: z.array(email).optional() }),
    offices: z.array(officeSchema).min(1),
    /** Office that receives escalations and missed-call forms when none is named. */
    defaultOffice: z.string(),
    categories: z.array(z.object({ code: z.string().min(1), name: z.string().min(1), office: z.string().optional() })).default([]),
    ivrMenu: z.array(ivrOptionSchema).default([]),
    jobCentres: z.array(z.object({ code: z.string().min(1), name: z.string().min(1), mailbox: email })).default([]),
    jobTypes: z.array(z.string().min(1)).default([]),
    sla: slaSchema.default(slaSchema.parse({})),
    messages: z.object({ welcome: z.string().optional(), outOfHours: z.string().optional() }).default({}),
    appointments: appointmentsSchema.optional(),
  })
  .superRefine((s, ctx) => {
    const offices = new Set(s.offices.map((o) => o.code));
    if (!offices.has(s.defaultOffice)) ctx.addIssue({ code: 'custom', path: ['defaultOffice'], message: `unknown office ${s.defaultOffice}` });
    s.categories.forEach((c, i) => {
      if (c.office && !offices.has(c.office)) ctx.addIssue({ code: 'custom', path: ['categories', i, 'office'], message: `unknown office ${c.office}` });
    });
    s.ivrMenu.forEach((o, i) => {
      if (o.office && !offices.has(o.office)) ctx.addIssue({ code: 'custom', path: ['ivrMenu', i, 'office'], message: `unknown office ${o.office}` });
    });
    const agendas = new Set<string>();
    s.appointments?.agendas.forEach((a, i) => {
      if (!offices.has(a.office)) ctx.addIssue({ code: 'custom', path: ['appointments', 'agendas', i, 'office'], message: `unknown office ${a.office}` });
      if (agendas.has(a.office)) ctx.addIssue({ code: 'custom', path: ['appointments', 'agendas', i, 'office'], message: `a second agenda for office ${a.office}` });
      agendas.add(a.office);
      a.weekly.forEach((w, j) => {
        if (w.to <= w.from) ctx.addIssue({ code: 'custom', path: ['appointments', 'agendas', i, 'weekly', j, 'to'], message: 'desk hours must end after they start' });
      });
    });
    s.appointments?.applicationTypes.forEach((t, i) => {
      if (t.openTo < t.openFrom) ctx.addIssue({ code: 'custom', path: ['appointments', 'applicationTypes', i, 'openTo'], message: 'the open period ends before it starts' });
      t.offices?.forEach((o, j) => {
        if (!agendas.has(o)) ctx.addIssue({ code: 'custom', path: ['appointments', 'applicationTypes', i, 'offices', j], message: `no agenda for office ${o}` });
      });
    });
  });

/** Complaints (URU): the service that handles them and the response term per kind, in calendar days (default: that service's sla.complaintTerm). */
export const complaintsSettingsSchema = z.object({
  service: z.string().default('URU'),
  terms: z.object({ complaint: isoDuration.optional(), report: isoDuration.optional(), suggestion: isoDuration.optional() }).default({}),
  inquiryReminderLead: isoDuration.default('P1D'),
  warningPct: z.number().gt(0).lt(100).default(80),
});

export const catalogSchema = z
  .object({ tenant: z.string().optional(), services: z.array(serviceSchema).min(1), complaints: complaintsSettingsSchema.optional() })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.services.forEach((s, i) => {
      if (seen.has(s.code)) ctx.addIssue({ code: 'custom', path: ['services', i, 'code'], message: `duplicate service code ${s.code}` });
      seen.add(s.code);
    });
    // A catalog that names its complaints service must have it; one that does not may have no URU.
    if (c.complaints && !seen.has(c.complaints.service))
      ctx.addIssue({ code: 'custom', path: ['complaints', 'service'], message: `unknown service ${c.complaints.service}` });
  })
  .transform((c) => ({ ...c, complaints: c.complaints ?? complaintsSettingsSchema.parse({}) }));

export type CalendarSpec = z.infer<typeof calendarSchema>;
export type Office = z.infer<typeof officeSchema>;
export type IvrOption = z.infer<typeof ivrOptionSchema>;
export type ServiceSla = z.infer<typeof slaSchema>;
export type Service = z.infer<typeof serviceSchema>;
export type Catalog = z.infer<typeof catalogSchema>;
export type ApplicationType = z.infer<typeof applicationTypeSchema>;
export type Agenda = z.infer<typeof agendaSchema>;
export type AppointmentSettings = z.infer<typeof appointmentsSchema>;

export class CatalogError extends Error {
  constructor(
    readonly file: string,
    readonly problems: { path: string; message: string }[],
  ) {
    super(`Invalid services catalog ${file}:\n` + problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}`).join('\n'));
    this.name = 'CatalogError';
  }
}

/** Validates parsed catalog data; `file` only names the source in error messages. */
export function parseCatalog(data: unknown, file: string): Catalog {
  const result = catalogSchema.safeParse(data);
  if (!result.success) {
    throw new CatalogError(
      file,
      result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    );
  }
  return result.data;
}

/** Read-only lookups over a validated catalog. */
export class ServiceCatalog {
  private readonly byCode: Map<string, Service>;
  /** Content hash: workflows carry it and look their service's rules up by it. */
  readonly version: string;
  constructor(readonly data: Catalog) {
    this.byCode = new Map(data.services.map((s) => [s.code, s]));
    this.version = catalogVersion(data);
  }
  get services(): Service[] {
    return this.data.services;
  }
  service(code: string): Service | undefined {
    return this.byCode.get(code);
  }
  office(serviceCode: string, officeCode: string): Office | undefined {
    return this.byCode.get(serviceCode)?.offices.find((o) => o.code === officeCode);
  }
  /** Services whose offices include this code (office codes may be shared across services). */
  servicesOfOffice(officeCode: string): Service[] {
    return this.services.filter((s) => s.offices.some((o) => o.code === officeCode));
  }
  /** Any office of any service with this code. */
  findOffice(officeCode: string): Office | undefined {
    for (const s of this.services) {
      const o = s.offices.find((x) => x.code === officeCode);
      if (o) return o;
    }
    return undefined;
  }
}

/**
 * A catalog's version: a 64-bit hash (two 32-bit multiplicative lanes, cyrb53-style) of its JSON,
 * in hex. Pure (no Node APIs), so the same catalog has the same version in the API and the worker.
 */
export function catalogVersion(data: Catalog): string {
  const text = JSON.stringify(data);
  let h1 = 0xdeadbeef ^ text.length;
  let h2 = 0x41c6ce57 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

/** The public mailboxes of a service (its `inbound` list and its sector mailbox): mail to one of them becomes a contact of the service. */
export function inboundMailboxes(service: Service): string[] {
  return [...new Set([...(service.mailboxes.inbound ?? []), service.mailboxes.sector].map((m) => m.toLowerCase()))];
}

/** Which service owns each public mailbox (lower-case address → service code); the first service wins. */
export function inboundMailboxIndex(catalog: { services: Service[] }): Map<string, string> {
  const index = new Map<string, string>();
  for (const s of catalog.services) for (const m of inboundMailboxes(s)) if (!index.has(m)) index.set(m, s.code);
  return index;
}
