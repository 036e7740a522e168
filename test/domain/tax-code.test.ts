import { checkTaxCode, isValidTaxCode, normalizeTaxCode, taxCodeCheckChar } from '../../domain/tax-code';

/*
 * Check characters worked out by hand with the official tables (odd positions 1,3,...,15 use the
 * odd table, even positions the even one; sum mod 26 -> letter):
 *
 * RSSMRA85T10A562 (Mario Rossi, 10 Dec 1985, A562)
 *   odd  R S R 8 T 0 5 2 -> 8 + 12 + 8 + 19 + 14 + 1 + 13 + 5 = 80
 *   even S M A 5 1 A 6   -> 18 + 12 + 0 + 5 + 1 + 0 + 6      = 42
 *   122 mod 26 = 18 -> S
 * RSSMRA85T10A56N (same, omocodia: the last digit 2 becomes N)
 *   odd sum 80 - 5 (2) + 20 (N) = 95; 95 + 42 = 137 mod 26 = 7 -> H
 * BNCGLI90A41H501 (Giulia Bianchi, woman: day 1 + 40, 1 Jan 1990, H501)
 *   odd  B C L 9 A 1 5 1 -> 0 + 5 + 4 + 21 + 1 + 0 + 13 + 0 = 44
 *   even N G I 0 4 H 0   -> 13 + 6 + 8 + 0 + 4 + 7 + 0      = 38
 *   82 mod 26 = 4 -> E
 */
describe('codice fiscale', () => {
  it('accepts codes whose check character matches', () => {
    expect(taxCodeCheckChar('RSSMRA85T10A562')).toBe('S');
    expect(checkTaxCode('RSSMRA85T10A562S')).toEqual({ valid: true, normalized: 'RSSMRA85T10A562S' });
    expect(isValidTaxCode('BNCGLI90A41H501E')).toBe(true);
  });

  it('accepts omocodia letters in digit positions, with their own check character', () => {
    expect(taxCodeCheckChar('RSSMRA85T10A56N')).toBe('H');
    expect(isValidTaxCode('RSSMRA85T10A56NH')).toBe(true);
  });

  it('normalizes case and spaces before checking', () => {
    expect(normalizeTaxCode(' rssmra 85t10 a562s ')).toBe('RSSMRA85T10A562S');
    expect(checkTaxCode('rssmra85t10a562s')).toEqual({ valid: true, normalized: 'RSSMRA85T10A562S' });
  });

  it('refuses a wrong check character', () => {
    expect(checkTaxCode('RSSMRA85T10A562T')).toEqual({ valid: false, reason: 'the check character does not match' });
    expect(isValidTaxCode('BNCGLI90A41H501F')).toBe(false);
    // The original check character does not fit the omocode.
    expect(isValidTaxCode('RSSMRA85T10A56NS')).toBe(false);
  });

  it('refuses malformed codes, saying why', () => {
    expect(checkTaxCode('RSSMRA85T10A562')).toMatchObject({ valid: false, reason: 'a tax code has 16 characters' });
    expect(checkTaxCode('RSSMR485T10A562S')).toMatchObject({ valid: false, reason: 'the first 6 characters must be letters' });
    // A is not an omocodia letter (those are L M N P Q R S T U V).
    expect(checkTaxCode('RSSMRA85T10A56AS')).toMatchObject({ valid: false, reason: 'character 15 must be a digit (or an omocodia letter)' });
    expect(checkTaxCode('RSSMRA85Z10A562S')).toMatchObject({ valid: false, reason: 'character 9 is not a month letter' });
    expect(checkTaxCode('RSSMRA85T32A562S')).toMatchObject({ valid: false, reason: 'the birth day is not valid' });
    expect(checkTaxCode('RSSMRA85T10A562-')).toMatchObject({ valid: false, reason: 'a tax code has only letters and digits' });
    expect(checkTaxCode('RSSMRA85T1049621')).toMatchObject({ valid: false });
  });
});
