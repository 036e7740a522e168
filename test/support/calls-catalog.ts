import { ServiceCatalog, parseCatalog } from '../../domain/catalog';

/**
 * A two-service catalog for the call and SLA report tests, independent of the bundled sample:
 * TN has the Trento window (Mon-Fri 08:00-17:00 Europe/Rome, Italian public holidays) and its own
 * answer-time target (15 s); H24 is open 24/7 with the default targets (13 s, 3 %, 75 %).
 */
export function callsCatalog(): ServiceCatalog {
  const service = (code: string, calendar: object, sla: object = {}) => ({
    code,
    name: `Servizio ${code}`,
    calendar,
    mailboxes: { sector: `${code.toLowerCase()}.settore@example.org`, supervisor: `${code.toLowerCase()}.supervisore@example.org` },
    offices: [{ code: `${code}-UFFICIO`, name: 'Ufficio', mailbox: `${code.toLowerCase()}.ufficio@example.org` }],
    defaultOffice: `${code}-UFFICIO`,
    sla,
  });
  return new ServiceCatalog(
    parseCatalog(
      {
        services: [
          service(
            'TN',
            { zone: 'Europe/Rome', weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '17:00' }], holidays: { country: 'IT' } },
            { answerTimeTargetSec: 15, abandonedPctTarget: 3, firstLevelResolvedPctTarget: 75 },
          ),
          service('H24', { zone: 'Europe/Rome', alwaysOpen: true }),
        ],
      },
      'calls test catalog',
    ),
  );
}
