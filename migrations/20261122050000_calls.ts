import type { Knex } from 'knex';

/**
 * Key of the transaction-level advisory lock that orders call imports and contact writes touching the
 * first-level flag (shared by contact writes, exclusive by an import); infra/stores/calls.ts uses the
 * same number. A literal here: a migration never changes with the code.
 */
const FIRST_LEVEL_SYNC_LOCK = 1128352844; // 'CALL' in ASCII

export async function up(knex: Knex): Promise<void> {
  // Call detail records imported from the telephony platform; a re-import of a call_id updates its row.
  await knex.schema.createTable('calls', (t) => {
    t.text('call_id').primary();
    t.text('service').notNullable();
    t.timestamp('registered_at', { useTz: true }).notNullable();
    t.timestamp('answered_at', { useTz: true });
    t.timestamp('ended_at', { useTz: true }).notNullable();
    t.text('ivr_code');
    /**
     * Some contact with this call id was resolved at first level ('first_level' or 'auto'). Kept on the
     * call so that the monthly report reads one index and never joins the ever-growing contacts table.
     * Kept exact from both sides: the import computes it, the trigger below follows the contacts.
     */
    t.boolean('first_level_resolved').notNullable().defaultTo(false);
    t.timestamp('imported_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`
    alter table calls
      add constraint calls_ended_after_registered check (ended_at >= registered_at),
      add constraint calls_answered_inside check (answered_at is null or (answered_at >= registered_at and answered_at <= ended_at))`);
  // The SLA report scans one service's month by ranges of registered_at: with every column it reads
  // in INCLUDE, that scan is index-only (no heap visit per call once the table is vacuumed).
  await knex.raw('create index calls_service_registered_idx on calls (service, registered_at) include (answered_at, ended_at, first_level_resolved)');

  // Follows contacts into calls.first_level_resolved. The advisory lock closes the race with a
  // concurrent import of the same call: a contact write waits for an import in progress (then sees its
  // rows), an import waits for the contact writes in progress (then sees their contacts).
  await knex.raw(`
    create function calls_sync_first_level() returns trigger language plpgsql as $$
    begin
      perform pg_advisory_xact_lock_shared(${FIRST_LEVEL_SYNC_LOCK});
      if tg_op in ('UPDATE', 'DELETE') and old.call_id is not null then
        update calls c
           set first_level_resolved = not c.first_level_resolved, updated_at = now()
         where c.call_id = old.call_id
           and c.first_level_resolved <> exists (select 1 from contacts k where k.call_id = old.call_id and k.resolution in ('first_level', 'auto'));
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.call_id is not null then
        update calls c
           set first_level_resolved = not c.first_level_resolved, updated_at = now()
         where c.call_id = new.call_id
           and c.first_level_resolved <> exists (select 1 from contacts k where k.call_id = new.call_id and k.resolution in ('first_level', 'auto'));
      end if;
      return null;
    end
    $$`);
  await knex.raw(`
    create trigger contacts_first_level_insert after insert on contacts for each row
      when (new.call_id is not null and new.resolution in ('first_level', 'auto'))
      execute function calls_sync_first_level()`);
  await knex.raw(`
    create trigger contacts_first_level_update after update of call_id, resolution on contacts for each row
      when (old.call_id is distinct from new.call_id or old.resolution is distinct from new.resolution)
      execute function calls_sync_first_level()`);
  await knex.raw(`
    create trigger contacts_first_level_delete after delete on contacts for each row
      when (old.call_id is not null and old.resolution in ('first_level', 'auto'))
      execute function calls_sync_first_level()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger if exists contacts_first_level_delete on contacts');
  await knex.raw('drop trigger if exists contacts_first_level_update on contacts');
  await knex.raw('drop trigger if exists contacts_first_level_insert on contacts');
  await knex.raw('drop function if exists calls_sync_first_level()');
  await knex.schema.dropTable('calls');
}
