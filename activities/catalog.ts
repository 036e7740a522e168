import { ApplicationFailure } from '@temporalio/activity';
import type { Service, ServiceCatalog } from '../domain/catalog';
import type { CatalogVersionStore } from '../infra/stores/catalog-versions';

export interface ServiceRulesInput {
  /** Service code. */
  service: string;
  /** Version of the catalog the workflow started with. */
  catalogVersion: string;
}

/** Activity failure type: the workflow's catalog version is kept nowhere (non-retryable). */
export const UNKNOWN_CATALOG_VERSION = 'UnknownCatalogVersion';

/**
 * The rules a workflow started with: its service in its catalog version, from the worker's own
 * catalog when it is that version, else from the kept versions (fetched once per worker).
 */
export function createCatalogActivities(deps: { catalog: ServiceCatalog; versions: CatalogVersionStore }) {
  const known = new Map<string, Promise<ServiceCatalog | undefined>>([[deps.catalog.version, Promise.resolve(deps.catalog)]]);
  return {
    async serviceRules(input: ServiceRulesInput): Promise<Service> {
      let catalog = known.get(input.catalogVersion);
      if (!catalog) {
        catalog = deps.versions.get(input.catalogVersion);
        known.set(input.catalogVersion, catalog);
      }
      const found = await catalog.catch((err) => {
        known.delete(input.catalogVersion);
        throw err;
      });
      if (!found) {
        known.delete(input.catalogVersion);
        throw ApplicationFailure.nonRetryable(`catalog version ${input.catalogVersion} is not kept`, UNKNOWN_CATALOG_VERSION);
      }
      const service = found.service(input.service);
      if (!service) throw ApplicationFailure.nonRetryable(`service ${input.service} is not in catalog version ${input.catalogVersion}`, UNKNOWN_CATALOG_VERSION);
      return service;
    },
  };
}
