import { loadCatalogFile } from '../../infra/catalog-file';
import { CatalogError, parseCatalog } from '../../domain/catalog';

const catalog = loadCatalogFile();

/** Every value under a key named like a mailbox (sector, supervisor, mailbox, email). */
function mailboxes(value: unknown, key = ''): string[] {
  if (typeof value === 'string') return ['sector', 'supervisor', 'mailbox', 'email'].includes(key) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v) => mailboxes(v, key));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => mailboxes(v, k));
  return [];
}

function minimalService(overrides: Record<string, unknown> = {}) {
  return {
    code: 'X',
    name: 'Servizio di prova',
    calendar: { zone: 'Europe/Rome', weekly: [{ days: ['mon'], from: '08:00', to: '17:00' }] },
    mailboxes: { sector: 'settore@example.org', supervisor: 'supervisore@example.org' },
    offices: [{ code: 'A', name: 'Ufficio A', mailbox: 'a@example.org' }],
    defaultOffice: 'A',
    ...overrides,
  };
}

function catalogError(fn: () => unknown): CatalogError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CatalogError);
    return err as CatalogError;
  }
  throw new Error('expected a CatalogError');
}

describe('bundled sample catalog', () => {
  it('holds the six services of the specification and the city contact center', () => {
    expect(catalog.services.map((s) => s.code)).toEqual(['ADL', 'MCTC', 'APIAE', 'SVA', 'TNDIGITALE', 'URU', 'CITTA-MI']);
  });

  it('classifies Motorizzazione calls in six categories, each mapped to an office', () => {
    const mctc = catalog.service('MCTC')!;
    expect(mctc.categories.map((c) => c.code)).toEqual(['VEICOLI', 'PATENTI', 'MERCATI', 'IMMATRICOLAZIONI', 'REVISIONI-COLLAUDI', 'SEGRETERIA']);
    for (const c of mctc.categories) expect(catalog.office('MCTC', c.office!)).toBeDefined();
    expect(mctc.phoneNumbers).toEqual(['0461 492006', '0461 492002']);
  });

  it('uses only fictional example.org mailboxes', () => {
    const all = mailboxes(catalog.data);
    expect(all.length).toBeGreaterThan(50);
    for (const m of all) expect(m).toMatch(/@example\.org$/);
  });

  it('keeps Trento services open on San Vigilio and closes the city on Sant’Ambrogio', () => {
    for (const s of catalog.services.filter((x) => x.code !== 'CITTA-MI')) {
      expect(s.calendar).toMatchObject({ zone: 'Europe/Rome', holidays: { country: 'IT' }, closedDates: [] });
      expect(s.calendar.weekly).toEqual([{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '17:00' }]);
    }
    expect(catalog.service('CITTA-MI')!.calendar.closedDates).toEqual(['12-07']);
  });

  it('describes the IVR menus, job centres and the URU office', () => {
    expect(catalog.service('APIAE')!.ivrMenu.map((o) => [o.code, o.action])).toEqual([
      ['1', 'auto-answer'],
      ['2', 'booking'],
    ]);
    const td = catalog.service('TNDIGITALE')!;
    expect(td.ivrMenu.map((o) => o.code)).toEqual(['1', '2', '3', '4']);
    for (const o of td.ivrMenu) {
      expect(o.action).toBe('route');
      expect(o.subService).toBeTruthy();
      expect(catalog.office('TNDIGITALE', o.office!)!.referents.map((r) => r.name)).toContain(o.referent);
    }
    expect(catalog.service('ADL')!.jobCentres.map((c) => c.code)).toContain('CPI-TRENTO');
    expect(catalog.service('ADL')!.jobTypes.length).toBeGreaterThan(0);
    expect(catalog.office('URU', 'URU')).toBeDefined();
  });
});

describe('catalog validation', () => {
  it('names the path of an unknown default office', () => {
    const err = catalogError(() => parseCatalog({ services: [minimalService({ defaultOffice: 'B' })] }, 'broken.yaml'));
    expect(err.problems).toContainEqual({ path: 'services.0.defaultOffice', message: 'unknown office B' });
    expect(err.message).toContain('broken.yaml');
    expect(err.message).toContain('services.0.defaultOffice');
  });

  it('names the path of a bad time zone', () => {
    const err = catalogError(() =>
      parseCatalog({ services: [minimalService({ calendar: { zone: 'Europe/Trento', weekly: [{ days: ['mon'], from: '08:00', to: '17:00' }] } })] }, 'zone.yaml'),
    );
    expect(err.message).toContain('services.0.calendar.zone');
  });

  it('reports an unreadable file with its name', () => {
    const err = catalogError(() => loadCatalogFile('/nonexistent/services.yaml'));
    expect(err.message).toContain('/nonexistent/services.yaml');
  });
});

describe('catalog-wide settings', () => {
  it('refuses a complaints service that is not in the catalog, naming the path', () => {
    const data = JSON.parse(JSON.stringify(loadCatalogFile().data));
    data.complaints = { ...data.complaints, service: 'NOPE' };
    expect(() => parseCatalog(data, 'x.yaml')).toThrow(/complaints\.service: unknown service NOPE/);
  });
});
