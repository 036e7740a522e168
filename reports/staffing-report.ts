import { DateTime } from 'luxon';
import type { Db } from '../infra/db';
import type { Service } from '../domain/catalog';
import { WEEKDAY_CODES, type WeekdayCode } from '../domain/half-hour-slots';
import { round2 } from '../domain/sla';
import { fullTimeEquivalents, requiredAgents, type QueuePrediction, type StaffingTargets } from '../domain/staffing';
import { createCallSlotStore, type SlotFigures } from '../infra/stores/call-slots';
import { windowSlots } from './sla-intervals';

/**
 * Staffing from a period of real calls, per weekday and half hour of the window:
 * - arrival rate λ = calls / open seconds of that weekday's half hour over the period (holidays
 *   are not open, so a closed Monday adds neither calls nor time);
 * - average handle time h = Σ (ended − answered) / answered (the period's average where a slot has
 *   no answered call);
 * - patience = Σ waits of all calls / hang-ups (exponential MLE with censoring, every unanswered
 *   call, short ones too); no hang-up → infinite patience, and Erlang A equals Erlang C;
 * - agents required: the smallest N whose predicted answer time (answered calls) ≤ the target, and,
 *   under Erlang A, whose predicted share of callers hanging up ≤ the abandon target;
 * - weekly agent-hours = Σ agents × the slot's average open hours per week of that weekday;
 *   FTE = agent-hours / (1 − shrinkage) / weekly contract hours.
 */

export interface StaffingQuery {
  /** See periodBounds: months or local dates (included), or instants with offset. */
  from: string;
  to: string;
  targets: StaffingTargets;
  /** Fraction of paid time not spent on calls, [0, 1). */
  shrinkage: number;
  weeklyContractHours: number;
}

export interface ModelFigures {
  agents: number;
  answerTimeAvgSec: number | null;
  abandonedPct: number;
  waitProbabilityPct: number;
  occupancyPct: number;
}

export interface StaffingSlot {
  weekday: WeekdayCode;
  from: string;
  to: string;
  /** How many times this weekday's half hour was open in the period. */
  occurrences: number;
  calls: number;
  /** λ, unrounded: for anyone redoing the Erlang arithmetic. */
  arrivalsPerSec: number;
  arrivalsPerHour: number;
  handleTimeAvgSec: number | null;
  patienceSec: number | null;
  loadErlangs: number;
  erlangC: ModelFigures;
  erlangA: ModelFigures;
}

export interface StaffingReport {
  service: string;
  zone: string;
  from: string;
  to: string;
  targets: StaffingTargets;
  shrinkage: number;
  weeklyContractHours: number;
  calls: { registered: number; answered: number; abandoned: number; shortAbandoned: number };
  handleTimeAvgSec: number | null;
  patienceSec: number | null;
  slots: StaffingSlot[];
  weekdays: { weekday: WeekdayCode; erlangC: { agentHours: number; peakAgents: number }; erlangA: { agentHours: number; peakAgents: number } }[];
  weekly: { erlangC: { agentHours: number; fte: number }; erlangA: { agentHours: number; fte: number } };
}

const ZERO: SlotFigures = { total: 0, answered: 0, abandoned: 0, shortAbandoned: 0, waitMicros: 0, handleMicros: 0, exposureMicros: 0 };
const add = (a: SlotFigures, b: SlotFigures): SlotFigures => ({
  total: a.total + b.total,
  answered: a.answered + b.answered,
  abandoned: a.abandoned + b.abandoned,
  shortAbandoned: a.shortAbandoned + b.shortAbandoned,
  waitMicros: a.waitMicros + b.waitMicros,
  handleMicros: a.handleMicros + b.handleMicros,
  exposureMicros: a.exposureMicros + b.exposureMicros,
});

const figures = (p: QueuePrediction, agents: number): ModelFigures => ({
  agents,
  answerTimeAvgSec: Number.isFinite(p.answerTimeAvgSec) ? round2(p.answerTimeAvgSec) : null,
  abandonedPct: round2(p.abandonProbability * 100),
  waitProbabilityPct: round2(p.waitProbability * 100),
  occupancyPct: round2(p.occupancy * 100),
});

/**
 * [start, end) epoch ms of a period and its length in weeks. Each bound is a month 'YYYY-MM' or a
 * local date 'YYYY-MM-DD' in `zone` (both included whole), or an ISO 8601 instant with offset
 * (`from` included, `to` excluded). Weeks are calendar days / 7 in `zone`, so a DST change does not
 * shorten a week.
 */
export function periodBounds(from: string, to: string, zone: string): { start: number; end: number; weeks: number } {
  const bound = (text: string, side: 'from' | 'to'): DateTime => {
    const whole = /^\d{4}-\d{2}$/.test(text) ? 'month' : /^\d{4}-\d{2}-\d{2}$/.test(text) ? 'day' : null;
    const t = whole ? DateTime.fromISO(text, { zone }) : DateTime.fromISO(text, { setZone: true }).setZone(zone);
    if (!t.isValid) throw new RangeError(`${side}: invalid ${text}`);
    return whole && side === 'to' ? t.plus(whole === 'month' ? { months: 1 } : { days: 1 }) : t;
  };
  const start = bound(from, 'from');
  const end = bound(to, 'to');
  return { start: start.toMillis(), end: end.toMillis(), weeks: end.diff(start, 'days').days / 7 };
}

export async function staffingReport(db: Db, service: Service, q: StaffingQuery): Promise<StaffingReport> {
  const zone = service.calendar.zone;
  const { start, end, weeks } = periodBounds(q.from, q.to, zone);
  const slots = windowSlots(service, start, end);
  const bySlot = await createCallSlotStore(db).figuresBySlot({ service: service.code, slots });

  // Group by (weekday, half hour), in weekday then clock order.
  const groups = new Map<string, { weekday: WeekdayCode; from: string; to: string; openMs: number; dates: Set<string>; f: SlotFigures }>();
  let all = ZERO;
  slots.forEach((slot, i) => {
    const key = `${WEEKDAY_CODES.indexOf(slot.weekday)} ${slot.halfHour}`;
    const g = groups.get(key) ?? { weekday: slot.weekday, from: slot.halfHour, to: slot.to, openMs: 0, dates: new Set<string>(), f: ZERO };
    g.openMs += slot.toMs - slot.fromMs;
    g.dates.add(slot.date);
    if (slot.to > g.to || slot.to === '24:00') g.to = slot.to;
    g.f = add(g.f, bySlot[i]);
    all = add(all, bySlot[i]);
    groups.set(key, g);
  });
  const periodHandleSec = all.answered > 0 ? all.handleMicros / all.answered / 1e6 : null;
  const patienceOf = (f: SlotFigures) => {
    const hangUps = f.total - f.answered;
    return hangUps > 0 && f.exposureMicros > 0 ? f.exposureMicros / 1e6 / hangUps : Infinity;
  };

  const out: StaffingSlot[] = [];
  const perWeekday = new Map<WeekdayCode, { c: number; a: number; peakC: number; peakA: number }>();
  for (const key of [...groups.keys()].sort()) {
    const g = groups.get(key)!;
    const openSec = g.openMs / 1000;
    const lambda = g.f.total / openSec;
    const handleSec = g.f.answered > 0 ? g.f.handleMicros / g.f.answered / 1e6 : periodHandleSec;
    const patienceSec = patienceOf(g.f);
    const input = { arrivalsPerSec: lambda, handleSec: handleSec ?? 1, patienceSec };
    const c = handleSec === null ? { agents: 0, prediction: null } : requiredAgents('erlangC', input, q.targets);
    const a = handleSec === null ? { agents: 0, prediction: null } : requiredAgents('erlangA', input, q.targets);
    const none: ModelFigures = { agents: 0, answerTimeAvgSec: null, abandonedPct: 0, waitProbabilityPct: 0, occupancyPct: 0 };
    out.push({
      weekday: g.weekday,
      from: g.from,
      to: g.to,
      occurrences: g.dates.size,
      calls: g.f.total,
      arrivalsPerSec: lambda,
      arrivalsPerHour: round2(lambda * 3600),
      handleTimeAvgSec: handleSec === null ? null : round2(handleSec),
      patienceSec: Number.isFinite(patienceSec) ? round2(patienceSec) : null,
      loadErlangs: round2(handleSec === null ? 0 : lambda * handleSec),
      erlangC: c.prediction ? figures(c.prediction, c.agents) : none,
      erlangA: a.prediction ? figures(a.prediction, a.agents) : none,
    });
    // This half hour is open openSec / weeks seconds per week.
    const hoursPerWeek = openSec / 3600 / weeks;
    const w = perWeekday.get(g.weekday) ?? { c: 0, a: 0, peakC: 0, peakA: 0 };
    w.c += c.agents * hoursPerWeek;
    w.a += a.agents * hoursPerWeek;
    w.peakC = Math.max(w.peakC, c.agents);
    w.peakA = Math.max(w.peakA, a.agents);
    perWeekday.set(g.weekday, w);
  }
  const weekdays = WEEKDAY_CODES.filter((d) => perWeekday.has(d)).map((weekday) => {
    const w = perWeekday.get(weekday)!;
    return { weekday, erlangC: { agentHours: round2(w.c), peakAgents: w.peakC }, erlangA: { agentHours: round2(w.a), peakAgents: w.peakA } };
  });
  const hoursC = [...perWeekday.values()].reduce((s, w) => s + w.c, 0);
  const hoursA = [...perWeekday.values()].reduce((s, w) => s + w.a, 0);
  const overallPatience = patienceOf(all);
  return {
    service: service.code,
    zone,
    from: q.from,
    to: q.to,
    targets: q.targets,
    shrinkage: q.shrinkage,
    weeklyContractHours: q.weeklyContractHours,
    calls: { registered: all.total, answered: all.answered, abandoned: all.abandoned, shortAbandoned: all.shortAbandoned },
    handleTimeAvgSec: periodHandleSec === null ? null : round2(periodHandleSec),
    patienceSec: Number.isFinite(overallPatience) ? round2(overallPatience) : null,
    slots: out,
    weekdays,
    weekly: {
      erlangC: { agentHours: round2(hoursC), fte: round2(fullTimeEquivalents(hoursC, q.shrinkage, q.weeklyContractHours)) },
      erlangA: { agentHours: round2(hoursA), fte: round2(fullTimeEquivalents(hoursA, q.shrinkage, q.weeklyContractHours)) },
    },
  };
}
