import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { CatalogError, ServiceCatalog, parseCatalog } from '../domain/catalog';

export const DEFAULT_SERVICES_FILE = path.join(__dirname, '..', 'config', 'services.sample.yaml');

/** Loads and validates a catalog file (YAML or JSON); errors name the file, the path inside it and the problem. */
export function loadCatalogFile(file: string = DEFAULT_SERVICES_FILE): ServiceCatalog {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CatalogError(file, [{ path: '', message: `cannot read file: ${(err as Error).message}` }]);
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new CatalogError(file, [{ path: '', message: `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}` }]);
  }
  return new ServiceCatalog(parseCatalog(data, file));
}
