import type { Db } from '../../infra/db';

/**
 * The first write of a renewals delivery row fails, as if the worker died after the relay took the
 * email but before the send was recorded.
 */
export async function failFirstDeliveryRecord(db: Db): Promise<void> {
  await db.raw(`
    create sequence fail_once;
    create function fail_delivery_once() returns trigger language plpgsql as $$
    begin
      if nextval('fail_once') = 1 then raise exception 'simulated crash after the email left'; end if;
      return new;
    end $$;
    create trigger fail_delivery_once before insert on renewals_export_deliveries for each row execute function fail_delivery_once();
  `);
}
