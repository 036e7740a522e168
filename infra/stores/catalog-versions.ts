import type { Db } from '../db';
import { Catalog, ServiceCatalog } from '../../domain/catalog';

/** Catalogs by version (content hash), kept for the workflows started with them. */
export interface CatalogVersionStore {
  /** Keeps this catalog under its version (a no-op when already kept). */
  save(catalog: ServiceCatalog): Promise<void>;
  get(version: string): Promise<ServiceCatalog | undefined>;
}

export function createCatalogVersionStore(db: Db): CatalogVersionStore {
  return {
    async save(catalog) {
      await db('catalog_versions').insert({ version: catalog.version, catalog: JSON.stringify(catalog.data) }).onConflict('version').ignore();
    },
    async get(version) {
      const row = await db('catalog_versions').where({ version }).first();
      return row ? new ServiceCatalog(row.catalog as Catalog) : undefined;
    },
  };
}
