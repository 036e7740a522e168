import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, Browser } from 'playwright-core';

/** Screenshots of the browser tests, kept as test artifacts (gitignored). */
export const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');

/**
 * Debian's Chromium (installed by `npm test`'s setup when missing), headless, with the background
 * networking switched off: the machine has no network and the page needs none. Playwright gives
 * each launch a fresh profile.
 */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
