import { missedCallTemplates } from '../../activities/templates/missed-calls';
import { contactTemplates } from '../../activities/templates/contacts';

const form = {
  contactId: 'CON-2026-000001',
  formId: 'MC-1',
  serviceName: 'Motorizzazione Civile',
  zone: 'Europe/Rome',
  dueAt: Date.parse('2026-12-07T10:00:00Z'),
  callAt: Date.parse('2026-12-04T09:00:00Z'),
  callerSurname: 'Rossi',
  callerName: 'Mario',
  personSought: 'Dott. Neri',
  reason: 'Richiesta di informazioni',
  callbackPhone: '+39 011 1234567',
};

describe('office greetings in emails', () => {
  it('does not say "Ufficio Ufficio" when the office name already starts with Ufficio', () => {
    for (const name of ['missed-call-form', 'missed-call-reminder'] as const) {
      const mail = missedCallTemplates[name]({ ...form, officeName: 'Ufficio veicoli e immatricolazioni' });
      expect(mail.text).toMatch(/^Ufficio veicoli e immatricolazioni,/m);
      expect(mail.text).not.toMatch(/Ufficio\s+Ufficio/i);
      expect(mail.html).not.toMatch(/Ufficio\s+Ufficio/i);
    }
    const opened = contactTemplates['escalation-opened']({
      contactId: 'CON-2026-000001',
      serviceName: 'Motorizzazione Civile',
      zone: 'Europe/Rome',
      escalationId: 'ESC-1',
      officeName: 'ufficio patenti',
      reason: 'x',
      category: null,
      caller: {},
      takeChargeDueAt: Date.now(),
      resolveDueAt: Date.now(),
    } as Parameters<(typeof contactTemplates)['escalation-opened']>[0]);
    expect(opened.text).toMatch(/^ufficio patenti,/m);
    expect(opened.text).not.toMatch(/Ufficio\s+ufficio/i);
  });

  it('still names an office whose name does not start with Ufficio', () => {
    const mail = missedCallTemplates['missed-call-form']({ ...form, officeName: 'Segreteria' });
    expect(mail.text).toMatch(/^Ufficio Segreteria,/m);
  });
});
