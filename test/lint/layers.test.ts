import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * The layer rules of eslint.config.mjs, tried on probe sources placed (virtually, through stdin) in
 * each folder: the project's own lint must refuse every import that crosses a layer the wrong way.
 * The probes are not files of the TypeScript project, so they are linted without type information.
 */
const ROOT = path.join(__dirname, '..', '..');
// eslint's package exports hide its bin from require.resolve: the path is fixed by the package.
const ESLINT = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');

function layerErrors(file: string, source: string): string[] {
  const run = spawnSync(
    process.execPath,
    [ESLINT, '--stdin', '--stdin-filename', file, '--format', 'json', '--parser-options', 'projectService:false', '--rule', '@typescript-eslint/no-floating-promises: off'],
    { cwd: ROOT, input: source, encoding: 'utf8' },
  );
  const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  return result.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message.split("'")[1]);
}

describe('layering lint rules', () => {
  jest.setTimeout(60_000);
  it('domain/ imports nothing else of ours, types included', () => {
    expect(layerErrors('domain/probe.ts', `import type { Actor } from '../workflows/definitions';\nimport { createDb } from '../infra/db';\nimport { businessCalendar } from './business-calendar';\nexport const x = [createDb, businessCalendar];\nexport type A = Actor;\n`)).toEqual([
      '../workflows/definitions',
      '../infra/db',
    ]);
  });

  it('infra/ imports domain/ only', () => {
    const source = `import { a } from '../../workflows/definitions';\nimport { b } from '../../activities/db';\nimport { c } from '../../api/app';\nimport { d } from '../../reports/sla';\nimport { e } from '../../domain/sla';\nimport { f } from '../db';\nexport const x = [a, b, c, d, e, f];\n`;
    expect(layerErrors('infra/stores/probe.ts', source)).toEqual(['../../workflows/definitions', '../../activities/db', '../../api/app', '../../reports/sla']);
  });

  it('api/ does not import activities/', () => {
    const source = `import { a } from '../../activities/export';\nimport { b } from '../../reports/sla';\nimport { c } from '../../infra/stores';\nimport { d } from '../../workflows/definitions';\nexport const x = [a, b, c, d];\n`;
    expect(layerErrors('api/routes/probe.ts', source)).toEqual(['../../activities/export']);
  });

  it('workflows/ import domain/, their own files and activity types only', () => {
    const source = `import { a } from '../infra/db';\nimport { b } from '../api/app';\nimport { createActivities } from '../activities';\nimport type { Activities } from '../activities';\nimport { c } from '../domain/sla';\nimport { d } from './definitions';\nexport const x = [a, b, c, d, createActivities];\nexport type A = Activities;\n`;
    expect(layerErrors('workflows/probe.ts', source)).toEqual(['../infra/db', '../api/app', '../activities']);
  });

  it('reports/ do not import the API or activities', () => {
    const source = `import { a } from '../api/app';\nimport { b } from '../activities/export';\nimport { c } from '../infra/stores/calls';\nexport const x = [a, b, c];\n`;
    expect(layerErrors('reports/probe.ts', source)).toEqual(['../api/app', '../activities/export']);
  });
});
