import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import globals from 'globals';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** A relative import that climbs out of its folder into one of `folders` (worker.ts and package files are outside every layer). */
const reaches = (...folders) => new RegExp(`^(\\.\\./)+(${folders.join('|')})(/|$)`);
const layer = (regex, message) => ({ regex: regex.source, message });

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', '.venv/', 'web/public/vendor/', 'coverage/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no I/O, no Node APIs, no env.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: nodeBuiltins.map((name) => ({ name, message: 'Node builtins are not allowed in workflow code.' })) }],
      'no-restricted-globals': ['error', { name: 'process', message: 'No process/env in workflow code.' }, { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' }],
    },
  },
  // Layering (issue 12): each folder may import only the layers below it. Relative imports are
  // matched by the folder they reach; a folder's own files ('./x') are always allowed.
  {
    files: ['domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [layer(/^(\.\.\/)+/, 'domain/ holds pure rules: it imports nothing else of ours (types included).')] }],
    },
  },
  {
    files: ['infra/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [layer(reaches('workflows', 'activities', 'api', 'reports'), 'infra/ (stores, config, embedded services) may import domain/ only, not workflows, activities, reports or the API.')] }],
    },
  },
  {
    files: ['reports/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [layer(reaches('activities', 'api'), 'reports/ computes from stores and domain rules; it is used by the API and the worker, never the other way round.')] }],
    },
  },
  {
    files: ['api/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [layer(reaches('activities'), 'api/ talks to the worker through Temporal only: share code through domain/, infra/ or reports/.')] }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            layer(reaches('infra', 'api', 'reports', 'scripts', 'bench', 'test', 'web'), 'Workflow code imports domain/, its own kit and contracts, and activity types only.'),
            { ...layer(reaches('activities'), 'Workflows may import activity types only (import type), never activity code.'), allowTypeImports: true },
          ],
        },
      ],
    },
  },
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: { ...globals.node } } },
  // The back-office page runs in the browser (Chart.js is a global from its UMD build).
  { files: ['web/public/**/*.js'], languageOptions: { sourceType: 'module', globals: { ...globals.browser, Chart: 'readonly' } } },
);
