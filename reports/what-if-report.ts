import { DateTime } from 'luxon';
import type { Db } from '../infra/db';
import type { Service } from '../domain/catalog';
import { WEEKDAY_CODES, clockMinutes, slotIndexOf, type WeekdayCode } from '../domain/half-hour-slots';
import { SHORT_ABANDON_MAX_SEC, daysOfMonth, monthBounds, round2 } from '../domain/sla';
import { replayCalls, simulateQueue, type AgentStep, type RecordedCall } from '../domain/what-if-simulation';
import { createCallSlotStore } from '../infra/stores/call-slots';
import { windowSlots } from './sla-intervals';

/**
 * What-if: the month's real calls inside the service window replayed against a staffing plan
 * (domain/what-if-simulation.ts), next to what really happened to the same calls, with the
 * monthly report's definitions: answer time over answered calls, abandons after 10 s over
 * abandons + answered. The half-hour profile groups the calls by the local half hour they arrived in.
 */

export interface PlanItem {
  days: WeekdayCode[];
  /** Local 'HH:mm', from < to, '24:00' allowed as `to`. */
  from: string;
  to: string;
  agents: number;
}

export interface Outcome {
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  answerTimeAvgSec: number | null;
  abandonedPct: number | null;
}

export interface WhatIfReport {
  service: string;
  month: string;
  zone: string;
  seed: number;
  calls: number;
  handleTimeAvgSec: number;
  patienceSec: number | null;
  predicted: Outcome;
  actual: Outcome;
  halfHours: { from: string; to: string; calls: number; agentsAvg: number; predicted: Outcome; actual: Outcome }[];
}

/** The plan refers to the month's weekdays; refusals name the field. */
export class WhatIfRefusal extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Two items for the same weekday must not overlap: which agents would be meant? */
export function findOverlap(plan: readonly PlanItem[]): { field: string; message: string } | null {
  for (let j = 0; j < plan.length; j++) {
    for (let i = 0; i < j; i++) {
      const day = plan[j].days.find((d) => plan[i].days.includes(d));
      if (!day) continue;
      if (clockMinutes(plan[j].from) < clockMinutes(plan[i].to) && clockMinutes(plan[i].from) < clockMinutes(plan[j].to)) {
        return { field: `staffing[${j}]`, message: `overlaps staffing[${i}] on ${day}` };
      }
    }
  }
  return null;
}

/** Agent-count steps over the month (and the first day after, so queues at the month's end are served). */
export function planSteps(plan: readonly PlanItem[], month: string, zone: string): AgentStep[] {
  const deltas = new Map<number, number>();
  const bump = (t: number, d: number) => deltas.set(t, (deltas.get(t) ?? 0) + d);
  const days = daysOfMonth(month);
  const after = DateTime.fromISO(days[days.length - 1], { zone }).plus({ days: 1 }).toISODate() as string;
  for (const date of [...days, after]) {
    const midnight = DateTime.fromISO(date, { zone });
    const weekday = WEEKDAY_CODES[midnight.weekday - 1];
    for (const item of plan) {
      if (!item.days.includes(weekday) || item.agents === 0) continue;
      const at = (hhmm: string) => midnight.plus({ minutes: clockMinutes(hhmm) }).toMillis();
      bump(at(item.from), item.agents);
      bump(at(item.to), -item.agents);
    }
  }
  let agents = 0;
  return [...deltas.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([atMs, d]) => ({ atMs, agents: (agents += d) }));
}

function outcome(answered: number, abandoned: number, shortAbandoned: number, waitSec: number): Outcome {
  return {
    answered,
    abandoned,
    shortAbandoned,
    answerTimeAvgSec: answered > 0 ? round2(waitSec / answered) : null,
    abandonedPct: answered + abandoned > 0 ? round2((abandoned * 100) / (answered + abandoned)) : null,
  };
}

class Tally {
  answered = 0;
  abandoned = 0;
  short = 0;
  waitSec = 0;
  add(answered: boolean, waitSec: number): void {
    if (answered) {
      this.answered++;
      this.waitSec += waitSec;
    } else if (waitSec > SHORT_ABANDON_MAX_SEC) this.abandoned++;
    else this.short++;
  }
  outcome(): Outcome {
    return outcome(this.answered, this.abandoned, this.short, this.waitSec);
  }
}

export async function whatIfReport(db: Db, service: Service, input: { month: string; plan: PlanItem[]; seed: number }): Promise<WhatIfReport> {
  const zone = service.calendar.zone;
  const { start, end } = monthBounds(input.month, zone);
  const slots = windowSlots(service, start, end);
  const recorded = await createCallSlotStore(db).recordedCalls({ service: service.code, fromMs: start, toMs: end });
  // Inside the window only, as in the monthly report.
  const calls: RecordedCall[] = [];
  const slotOfCall: number[] = [];
  for (const c of recorded) {
    const k = slotIndexOf(slots, c.registeredMs);
    if (k < 0) continue;
    calls.push(c);
    slotOfCall.push(k);
  }
  if (calls.length === 0) throw new WhatIfRefusal('month', `no calls of ${service.code} inside its window in ${input.month}`);
  if (!calls.some((c) => c.answeredMs !== null)) throw new WhatIfRefusal('month', `no answered call of ${service.code} in ${input.month} to learn talk times from`);

  const { simCalls, patience } = replayCalls(calls, input.seed); // already sorted: same order as `calls`
  const steps = planSteps(input.plan, input.month, zone);
  const sim = simulateQueue(simCalls, steps);

  const predicted = new Tally();
  const actual = new Tally();
  const profile = new Map<string, { to: string; calls: number; predicted: Tally; actual: Tally }>();
  let handleSum = 0;
  for (let i = 0; i < calls.length; i++) {
    const c = calls[i];
    const slot = slots[slotOfCall[i]];
    const realAnswered = c.answeredMs !== null;
    const realWait = ((c.answeredMs ?? c.endedMs) - c.registeredMs) / 1000;
    if (realAnswered) handleSum += simCalls[i].handleSec;
    predicted.add(sim.answered[i] === 1, sim.waitSec[i]);
    actual.add(realAnswered, realWait);
    const p = profile.get(slot.halfHour) ?? { to: slot.to, calls: 0, predicted: new Tally(), actual: new Tally() };
    p.calls++;
    p.predicted.add(sim.answered[i] === 1, sim.waitSec[i]);
    p.actual.add(realAnswered, realWait);
    profile.set(slot.halfHour, p);
  }
  const answeredCount = calls.filter((c) => c.answeredMs !== null).length;

  // The plan's average agents in each half hour of the window over the month's open days.
  const agentsAvg = new Map<string, { weighted: number; ms: number }>();
  const stepAt = (t: number) => {
    // The last step at or before t (-1: before the first one, no agents).
    let lo = 0;
    let hi = steps.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (steps[mid].atMs <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
  for (const slot of slots) {
    const a = agentsAvg.get(slot.halfHour) ?? { weighted: 0, ms: 0 };
    for (let t = slot.fromMs, k = stepAt(t); t < slot.toMs; k++) {
      const next = Math.min(slot.toMs, k + 1 < steps.length ? steps[k + 1].atMs : Infinity);
      a.weighted += (k >= 0 ? steps[k].agents : 0) * (next - t);
      t = next;
    }
    a.ms += slot.toMs - slot.fromMs;
    agentsAvg.set(slot.halfHour, a);
  }

  return {
    service: service.code,
    month: input.month,
    zone,
    seed: input.seed,
    calls: calls.length,
    handleTimeAvgSec: round2(handleSum / answeredCount),
    patienceSec: Number.isFinite(patience.meanSec) ? round2(patience.meanSec) : null,
    predicted: predicted.outcome(),
    actual: actual.outcome(),
    halfHours: [...profile.keys()].sort().map((from) => {
      const p = profile.get(from)!;
      const a = agentsAvg.get(from);
      return { from, to: p.to, calls: p.calls, agentsAvg: a && a.ms > 0 ? round2(a.weighted / a.ms) : 0, predicted: p.predicted.outcome(), actual: p.actual.outcome() };
    }),
  };
}
