import path from 'node:path';

/** The Temporal CLI and time-skipping test server, installed from PyPI into the project's .venv by scripts/setup.mjs. */
const VENV_BIN = path.join(__dirname, '..', '.venv', 'bin');
export const TEMPORAL_CLI = path.join(VENV_BIN, 'temporal');
export const TEMPORAL_TEST_SERVER = path.join(VENV_BIN, 'temporal-test-server');
