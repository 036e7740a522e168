/** Who acts: taken from the API key (`{ name, role, office? }`), or the system itself. */
export interface Actor {
  name: string;
  role: string;
  office?: string | null;
}

/** Who the system itself acts as (timers, schedules). */
export const SYSTEM_ACTOR: Actor = { name: 'sistema', role: 'system' };
