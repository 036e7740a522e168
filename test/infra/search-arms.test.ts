/** What a search query is looked for as: keys, names, text (infra/stores/search.ts). */
import { foldText, searchArms } from '../../infra/stores/search';

describe('searchArms', () => {
  it('an email is looked up as an email (and a reference) only', () => {
    expect(searchArms('  Anna.Verdi@Example.org ')).toEqual({ ref: 'anna.verdi@example.org', email: 'anna.verdi@example.org', nameWords: [] });
  });

  it('a phone however typed is its digits without the Italian prefix', () => {
    expect(searchArms('0039 347-555.1234')).toEqual({ phone: '3475551234', nameWords: [] });
    expect(searchArms('+39 347 5551234').phone).toBe('3475551234');
    // Too short to be a phone: nothing but the reference.
    expect(searchArms('1234')).toEqual({ ref: '1234', nameWords: [] });
  });

  it('a tax code or a reference is a key only, whatever its case', () => {
    expect(searchArms('rssmra80a01l378x')).toEqual({ ref: 'rssmra80a01l378x', taxCode: 'RSSMRA80A01L378X', nameWords: [] });
    expect(searchArms('CON-2026-000123')).toEqual({ ref: 'con-2026-000123', nameWords: [] });
  });

  it('words are names (three letters or more, no accents) and Italian text', () => {
    expect(searchArms('Niccolò  De Rossi')).toEqual({ nameWords: ['niccolo', 'rossi'], text: 'niccolo  de rossi' });
    expect(searchArms('Di Bo')).toEqual({ nameWords: ['di bo'], text: undefined });
    expect(searchArms('raccolta frutta').text).toBe('raccolta frutta');
    expect(searchArms('Rossi').ref).toBe('rossi');
  });

  it('folds accents and case the way the stored names are folded', () => {
    expect(foldText('PEDRAZZÒLI Élodie')).toBe('pedrazzoli elodie');
  });
});
