/**
 * Italian tax code (codice fiscale) of a natural person: format and check character.
 *
 * Layout (16 characters): 3 surname letters, 3 name letters, 2 year digits, 1 month letter,
 * 2 day digits (women: day + 40), 1 letter + 3 digits of the birthplace (cadastral code), 1 check
 * letter. When two people would get the same code the Agenzia delle Entrate replaces digits, from
 * the right, with letters (omocodia): 0-9 -> L M N P Q R S T U V. Such a code is as valid as the
 * original, so every digit position accepts its omocodia letter too.
 *
 * Pure: no I/O, usable from the API and from workflow code.
 */

export type TaxCodeCheck = { valid: true; normalized: string } | { valid: false; reason: string };

/** Positions (0-based) that hold digits, or their omocodia letters. */
const DIGIT_POSITIONS = [6, 7, 9, 10, 12, 13, 14];
const OMOCODIA = 'LMNPQRSTUV';
const MONTHS = 'ABCDEHLMPRST';

/** Value of a character in an odd position (1st, 3rd, ... 15th): the official conversion table. */
const ODD_VALUES: Record<string, number> = {
  '0': 1, '1': 0, '2': 5, '3': 7, '4': 9, '5': 13, '6': 15, '7': 17, '8': 19, '9': 21,
  A: 1, B: 0, C: 5, D: 7, E: 9, F: 13, G: 15, H: 17, I: 19, J: 21, K: 2, L: 4, M: 18,
  N: 20, O: 11, P: 3, Q: 6, R: 8, S: 12, T: 14, U: 16, V: 10, W: 22, X: 25, Y: 24, Z: 23,
};

/** Value of a character in an even position: digits are their value, letters A=0 ... Z=25. */
function evenValue(c: string): number {
  return c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 65;
}

/** Upper case, without spaces: operators often type codes in lower case or in groups. */
export function normalizeTaxCode(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

/** The check letter of the first 15 characters of a (normalized) tax code. */
export function taxCodeCheckChar(first15: string): string {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const c = first15[i];
    // Positions are counted from 1 in the official rule: index 0 is the 1st, an odd position.
    sum += i % 2 === 0 ? ODD_VALUES[c] : evenValue(c);
  }
  return String.fromCharCode(65 + (sum % 26));
}

/** The digit a position holds, undoing omocodia. */
function digitAt(code: string, i: number): number {
  const c = code[i];
  return c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : OMOCODIA.indexOf(c);
}

/** Validates format, month, day and check character; says why a code is refused. */
export function checkTaxCode(input: string): TaxCodeCheck {
  const code = normalizeTaxCode(input);
  if (code.length !== 16) return { valid: false, reason: 'a tax code has 16 characters' };
  if (!/^[A-Z0-9]{16}$/.test(code)) return { valid: false, reason: 'a tax code has only letters and digits' };
  if (!/^[A-Z]{6}$/.test(code.slice(0, 6))) return { valid: false, reason: 'the first 6 characters must be letters' };
  for (const i of DIGIT_POSITIONS) {
    const c = code[i];
    if (!(c >= '0' && c <= '9') && !OMOCODIA.includes(c)) return { valid: false, reason: `character ${i + 1} must be a digit (or an omocodia letter)` };
  }
  if (!MONTHS.includes(code[8])) return { valid: false, reason: 'character 9 is not a month letter' };
  if (!/^[A-Z]$/.test(code[11])) return { valid: false, reason: 'character 12 must be a letter' };
  const day = digitAt(code, 9) * 10 + digitAt(code, 10);
  if (!((day >= 1 && day <= 31) || (day >= 41 && day <= 71))) return { valid: false, reason: 'the birth day is not valid' };
  if (!/^[A-Z]$/.test(code[15])) return { valid: false, reason: 'the last character must be a letter' };
  if (taxCodeCheckChar(code) !== code[15]) return { valid: false, reason: 'the check character does not match' };
  return { valid: true, normalized: code };
}

export function isValidTaxCode(input: string): boolean {
  return checkTaxCode(input).valid;
}
