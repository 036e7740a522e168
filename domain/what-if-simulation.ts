import { Heap } from 'heap-js';
import { xoroshiro128plus, type RandomGenerator } from 'pure-rand';

/**
 * Discrete-event simulation of one queue served first come, first served by a varying number of
 * agents, with callers who hang up when their patience runs out. Pure and deterministic: every
 * random draw happens in `replayCalls`, from a generator seeded by the caller.
 *
 * Engine: arrivals come sorted, agent-count changes come sorted, call completions sit in a binary
 * heap. Abandonment needs no event of its own: under FCFS a caller who hangs up only leaves the
 * queue, so when an agent frees up the queue head is checked and dropped if its patience ran out
 * before now (it hung up at arrival + patience). When the plan lowers the agent count (a shift or
 * the window ends), the leaving agents finish their calls and answer the callers already queued at
 * that instant, as a contact center does at closing; callers arriving later wait for the new count.
 */

export interface SimCall {
  arrivalMs: number;
  /** Talk time if answered, seconds. */
  handleSec: number;
  /** How long the caller would wait before hanging up, seconds; Infinity = never. */
  patienceSec: number;
}

/** From `atMs` on (until the next step), `agents` take calls. Before the first step: none. */
export interface AgentStep {
  atMs: number;
  agents: number;
}

export interface SimResult {
  /** Per call, in input order: 1 answered, 0 hung up (or still waiting when the plan ends). */
  answered: Uint8Array;
  /** Per call: wait until answer, or until hanging up, seconds. */
  waitSec: Float64Array;
}

export function simulateQueue(calls: readonly SimCall[], steps: readonly AgentStep[]): SimResult {
  const n = calls.length;
  const answered = new Uint8Array(n);
  const waitSec = new Float64Array(n);
  const completions = new Heap<number>((a, b) => a - b);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let agents = 0;
  /** A lower agent count waiting for the callers queued before `drainUntil` to be dealt with. */
  let pendingAgents: number | null = null;
  let drainUntil = 0;
  let busy = 0;
  let nextCall = 0;
  let nextStep = 0;
  let now = -Infinity;

  const dispatch = () => {
    for (;;) {
      if (pendingAgents !== null && head >= drainUntil) {
        agents = pendingAgents;
        pendingAgents = null;
      }
      if (!(busy < agents && head < tail)) return;
      const i = queue[head++];
      const c = calls[i];
      const waitedMs = now - c.arrivalMs;
      if (waitedMs > c.patienceSec * 1000) {
        waitSec[i] = c.patienceSec;
        continue;
      }
      answered[i] = 1;
      waitSec[i] = waitedMs / 1000;
      busy++;
      completions.push(now + c.handleSec * 1000);
    }
  };

  for (;;) {
    const tCompletion = completions.length > 0 ? (completions.peek() as number) : Infinity;
    const tStep = nextStep < steps.length ? steps[nextStep].atMs : Infinity;
    const tArrival = nextCall < n ? calls[nextCall].arrivalMs : Infinity;
    // Ties: a finishing agent and a plan change act before an arrival at the same instant.
    if (tCompletion === Infinity && tStep === Infinity && tArrival === Infinity) break;
    if (tCompletion <= tStep && tCompletion <= tArrival) {
      now = tCompletion;
      completions.pop();
      busy--;
    } else if (tStep <= tArrival) {
      now = tStep;
      const planned = steps[nextStep++].agents;
      if (planned >= agents) {
        agents = planned;
        pendingAgents = null;
      } else {
        pendingAgents = planned;
        drainUntil = tail;
      }
    } else {
      now = tArrival;
      if (nextCall > 0 && calls[nextCall].arrivalMs < calls[nextCall - 1].arrivalMs) throw new RangeError('calls must be sorted by arrival');
      queue[tail++] = nextCall++;
    }
    dispatch();
  }
  // Still queued when the plan ends: hung up after their patience, or (infinite patience) never answered.
  for (; head < tail; head++) {
    const i = queue[head];
    waitSec[i] = Number.isFinite(calls[i].patienceSec) ? calls[i].patienceSec : Math.max(0, (now - calls[i].arrivalMs) / 1000);
  }
  return { answered, waitSec };
}

/** A real call as recorded: epoch milliseconds. */
export interface RecordedCall {
  registeredMs: number;
  answeredMs: number | null;
  endedMs: number;
}

export interface PatienceEstimate {
  /** Average patience, seconds; Infinity when nobody hung up. */
  meanSec: number;
  abandons: number;
  /** Σ wait of every call (answered: until the answer; not answered: until hanging up), seconds. */
  exposureSec: number;
}

/**
 * Maximum-likelihood estimate of exponential patience with censoring: every call exposes its wait
 * to the risk of hanging up; answered calls are censored at their answer. θ̂ = abandons / Σ waits,
 * so the mean patience is Σ waits / abandons. Every unanswered call counts, short hang-ups too.
 */
export function estimatePatience(calls: readonly RecordedCall[]): PatienceEstimate {
  let abandons = 0;
  let exposureMs = 0;
  for (const c of calls) {
    if (c.answeredMs === null) {
      abandons++;
      exposureMs += Math.max(0, c.endedMs - c.registeredMs);
    } else {
      exposureMs += Math.max(0, c.answeredMs - c.registeredMs);
    }
  }
  return { meanSec: abandons > 0 ? exposureMs / 1000 / abandons : Infinity, abandons, exposureSec: exposureMs / 1000 };
}

/** A uniform draw in [0, 1) with 53 random bits from a 32-bit generator. */
export function uniform01(rng: RandomGenerator): number {
  const a = rng.unsafeNext() >>> 5;
  const b = rng.unsafeNext() >>> 6;
  return (a * 67108864 + b) / 9007199254740992;
}

export function exponential(rng: RandomGenerator, meanSec: number): number {
  if (!Number.isFinite(meanSec)) return Infinity;
  return -meanSec * Math.log(1 - uniform01(rng));
}

export function seededGenerator(seed: number): RandomGenerator {
  return xoroshiro128plus(seed | 0);
}

/**
 * Real calls turned into simulation input, sorted by arrival. What each call keeps from reality:
 * - its arrival instant, always;
 * - answered: its real talk time (answered → ended); its patience is unknown but at least the wait
 *   it went through, so it gets that wait plus an exponential draw of the estimated mean patience
 *   (memorylessness: having waited w, the remaining patience has the same law);
 * - hung up: its observed wait is its patience, exactly (it hung up then); its talk time, had it
 *   been answered, is drawn from the talk times of the answered calls of the replay.
 * Draws come from `seed`, in call order: the same calls and seed give the same input.
 */
export function replayCalls(calls: readonly RecordedCall[], seed: number): { simCalls: SimCall[]; patience: PatienceEstimate } {
  const sorted = [...calls].sort((a, b) => a.registeredMs - b.registeredMs);
  const handles = sorted.filter((c) => c.answeredMs !== null).map((c) => Math.max(0, c.endedMs - (c.answeredMs as number)) / 1000);
  if (handles.length === 0) throw new RangeError('no answered call to learn talk times from');
  const patience = estimatePatience(sorted);
  const rng = seededGenerator(seed);
  const simCalls = sorted.map((c): SimCall => {
    if (c.answeredMs !== null) {
      const waited = Math.max(0, c.answeredMs - c.registeredMs) / 1000;
      return { arrivalMs: c.registeredMs, handleSec: Math.max(0, c.endedMs - c.answeredMs) / 1000, patienceSec: waited + exponential(rng, patience.meanSec) };
    }
    const handleSec = handles[Math.floor(uniform01(rng) * handles.length)];
    return { arrivalMs: c.registeredMs, handleSec, patienceSec: Math.max(0, c.endedMs - c.registeredMs) / 1000 };
  });
  return { simCalls, patience };
}
