/** URU's monthly complaints report: by service, kind and outcome, in the complaints service's zone. */
import type { ComplaintStore } from '../infra/stores/complaints';
import type { ServiceCatalog } from '../domain/catalog';
import { DEFAULT_REPORT_ZONE } from './crm';

export async function complaintsReport(store: Pick<ComplaintStore, 'monthlyReport'>, catalog: ServiceCatalog, month: string) {
  const service = catalog.service(catalog.data.complaints.service);
  return store.monthlyReport(month, service?.calendar.zone ?? DEFAULT_REPORT_ZONE);
}
