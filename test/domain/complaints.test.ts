/** Pure rules of the complaint lifecycle: settings per kind from the catalog, the deadline clock, references. */
import { parseCatalog, ServiceCatalog, CatalogError } from '../../domain/catalog';
import { sampleCatalog } from '../support/harness';
import {
  complaintReference,
  complaintSettingsFor,
  daysLeft,
  deadlineOf,
  initialComplaintState,
  referenceYear,
  remainingAt,
  resumeClock,
  stopClock,
} from '../../domain/complaints';
import type { ComplaintInput } from '../../workflows/definitions';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function catalogWithComplaints(complaints: unknown): ServiceCatalog {
  const data = JSON.parse(JSON.stringify(sampleCatalog().data));
  data.complaints = complaints;
  return new ServiceCatalog(parseCatalog(data, 'test catalog'));
}

describe('complaint settings', () => {
  it('defaults to URU with the 30 calendar days of its sla.complaintTerm, 80 % warning, inquiry reminder one day before', () => {
    const s = complaintSettingsFor(sampleCatalog(), 'report');
    expect(s).toEqual({
      serviceCode: 'URU',
      serviceName: "Ufficio Relazioni con l'Utenza",
      zone: 'Europe/Rome',
      contactPhone: '0461 800133',
      uruMailbox: 'uru.settore@example.org',
      supervisorMailbox: 'uru.supervisore@example.org',
      term: 'P30D',
      termMs: 30 * DAY,
      warningPct: 80,
      inquiryReminderLeadMs: DAY,
    });
  });

  it('takes the term per kind from the catalog, falling back to the service term for the others', () => {
    const catalog = catalogWithComplaints({ terms: { suggestion: 'P60D', report: 'P15D' }, warningPct: 75, inquiryReminderLead: 'PT12H' });
    expect(complaintSettingsFor(catalog, 'suggestion')).toMatchObject({ term: 'P60D', termMs: 60 * DAY, warningPct: 75, inquiryReminderLeadMs: 12 * HOUR });
    expect(complaintSettingsFor(catalog, 'report')).toMatchObject({ term: 'P15D', termMs: 15 * DAY });
    expect(complaintSettingsFor(catalog, 'complaint')).toMatchObject({ term: 'P30D', termMs: 30 * DAY });
  });

  it('rejects a bad term in the catalog, naming the path', () => {
    expect(() => catalogWithComplaints({ terms: { complaint: 'trenta giorni' } })).toThrow(CatalogError);
    expect(() => catalogWithComplaints({ terms: { complaint: 'trenta giorni' } })).toThrow(/complaints\.terms\.complaint/);
    expect(() => catalogWithComplaints({ warningPct: 120 })).toThrow(/complaints\.warningPct/);
  });

  it('refuses a complaints service that is not in the catalog', () => {
    expect(() => complaintSettingsFor(catalogWithComplaints({ service: 'NOPE' }), 'complaint')).toThrow(/NOPE/);
  });
});

describe('the deadline clock', () => {
  const t0 = Date.UTC(2026, 10, 2, 9, 0);
  const input = { registeredAt: t0, settings: { termMs: 30 * DAY } } as ComplaintInput;

  it('runs from the registration, stops while suspended and resumes with the time left', () => {
    const s = initialComplaintState(input);
    expect(deadlineOf(s)).toBe(Date.UTC(2026, 11, 2, 9, 0));
    expect(remainingAt(s, t0 + 10 * DAY)).toBe(20 * DAY);

    stopClock(s, t0 + 10 * DAY, 'suspended');
    expect(s.clock).toBe('suspended');
    expect(deadlineOf(s)).toBeNull();
    expect(remainingAt(s, t0 + 14 * DAY)).toBe(20 * DAY);

    resumeClock(s, t0 + 15 * DAY);
    expect(s.clock).toBe('running');
    expect(s.suspendedMs).toBe(5 * DAY);
    // 10 days used, 5 suspended, 20 left: 2 November + 35 days = 7 December.
    expect(deadlineOf(s)).toBe(Date.UTC(2026, 11, 7, 9, 0));

    stopClock(s, t0 + 20 * DAY, 'stopped');
    expect(s.clock).toBe('stopped');
    expect(s.remainingMs).toBe(15 * DAY);
    // Responded on day 20: the file keeps the deadline it was answered against.
    expect(deadlineOf(s)).toBe(Date.UTC(2026, 11, 7, 9, 0));
  });

  it('ignores a resume of a running clock', () => {
    const s = initialComplaintState(input);
    resumeClock(s, t0 + DAY);
    expect(deadlineOf(s)).toBe(t0 + 30 * DAY);
    expect(s.suspendedMs).toBe(0);
  });

  it('counts days left rounded away from zero', () => {
    expect(daysLeft(30 * DAY)).toBe(30);
    expect(daysLeft(29 * DAY + 1)).toBe(30);
    expect(daysLeft(HOUR)).toBe(1);
    expect(daysLeft(0)).toBe(0);
    expect(daysLeft(-HOUR)).toBe(-1);
    expect(daysLeft(-DAY - 1)).toBe(-2);
  });
});

describe('references', () => {
  it('numbers per year in the service zone with six digits', () => {
    expect(complaintReference(2026, 123)).toBe('REC-2026-000123');
    expect(complaintReference(2027, 1_234_567)).toBe('REC-2027-1234567');
    // 31 December 23:30 UTC is already 1 January in Rome.
    expect(referenceYear(Date.UTC(2026, 11, 31, 23, 30), 'Europe/Rome')).toBe(2027);
    expect(referenceYear(Date.UTC(2026, 11, 31, 22, 30), 'Europe/Rome')).toBe(2026);
  });
});
