/**
 * Queueing formulas for staffing a contact center, pure and numerically stable for hundreds of
 * agents: no factorials and no powers, only ratios that stay in [0, 1] or logarithms.
 *
 * Notation: λ arrivals per second, h average handle time in seconds (μ = 1/h), A = λ·h offered load
 * in Erlangs, N agents, θ abandonment rate = 1 / average patience in seconds.
 *
 * - Erlang B by the recursion B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)).
 * - Erlang C from Erlang B: C = N·B / (N − A·(1 − B)); ASA = C·h / (N − A), for N > A.
 * - Erlang A (M/M/N+M, Palm 1943; Garnett, Mandelbaum & Reiman 2002) from its birth-death chain:
 *   birth λ, death min(k, N)·μ + (k − N)⁺·θ, built in logarithms and truncated where the tail is
 *   below 1e-16 of the mode. With exponential patience a caller arriving with j callers ahead waits
 *   through j + 1 stages; in stage i (i ahead) the stage ends at rate r_i = N·μ + (i + 1)·θ and the
 *   caller survives it with probability (N·μ + i·θ) / r_i, independently of its length. So
 *   P(served | j) = Π (N·μ + i·θ) / r_i and the expected wait of a served caller is Σ 1 / r_i: the
 *   average answer time of answered calls (the contract's Tm) is exact, not an approximation.
 */

export interface QueuePrediction {
  /** Offered load A = λ·h, Erlangs. */
  loadErlangs: number;
  /** Probability that an arriving caller waits (finds all agents busy). */
  waitProbability: number;
  /** Average wait of the answered calls, seconds (the contract's answer time Tm). Infinity if unstable. */
  answerTimeAvgSec: number;
  /** Probability that a caller hangs up before an answer (0 under Erlang C). */
  abandonProbability: number;
  /** Average wait of all callers, answered or not, seconds. */
  waitAvgSec: number;
  /** Fraction of the agents' time spent on calls. */
  occupancy: number;
}

/** Erlang B (blocking probability) with `agents` servers and `load` Erlangs, by the stable recursion. */
export function erlangB(agents: number, load: number): number {
  assertAgents(agents);
  if (!(load >= 0) || !Number.isFinite(load)) throw new RangeError(`load must be a finite number ≥ 0, got ${load}`);
  let b = 1;
  for (let n = 1; n <= agents; n++) b = (load * b) / (n + load * b);
  return b;
}

/** Erlang C probability of waiting; 1 when the queue is unstable (N ≤ A). */
export function erlangC(agents: number, load: number): number {
  if (agents <= load) return 1;
  const b = erlangB(agents, load);
  return (agents * b) / (agents - load * (1 - b));
}

/** M/M/N (no abandonment): probability of waiting and average speed of answer. */
export function erlangCPrediction(input: { arrivalsPerSec: number; handleSec: number; agents: number }): QueuePrediction {
  const { arrivalsPerSec: lambda, handleSec: h, agents } = input;
  assertRates(lambda, h);
  assertAgents(agents);
  const load = lambda * h;
  if (load === 0) return idle(agents);
  if (agents <= load) {
    return { loadErlangs: load, waitProbability: 1, answerTimeAvgSec: Infinity, abandonProbability: 0, waitAvgSec: Infinity, occupancy: 1 };
  }
  const c = erlangC(agents, load);
  const asa = (c * h) / (agents - load);
  return { loadErlangs: load, waitProbability: c, answerTimeAvgSec: asa, abandonProbability: 0, waitAvgSec: asa, occupancy: load / agents };
}

/** Stop the chain where a state's probability falls below this fraction of the mode's. */
const TAIL_EPSILON = 1e-16;
/** Hard cap on the states past N, for patience so long that the queue would grow for ages. */
const MAX_QUEUE_STATES = 2_000_000;

/**
 * M/M/N+M (Erlang A). `patienceSec` = average patience; Infinity gives the M/M/N chain, which
 * equals Erlang C when N > A and is unstable otherwise.
 */
export function erlangAPrediction(input: { arrivalsPerSec: number; handleSec: number; agents: number; patienceSec: number }): QueuePrediction {
  const { arrivalsPerSec: lambda, handleSec: h, agents: n } = input;
  assertRates(lambda, h);
  assertAgents(n);
  if (!(input.patienceSec > 0)) throw new RangeError(`patienceSec must be > 0, got ${input.patienceSec}`);
  const theta = Number.isFinite(input.patienceSec) ? 1 / input.patienceSec : 0;
  const mu = 1 / h;
  const load = lambda * h;
  if (load === 0) return idle(n);
  if (theta === 0 && n <= load) {
    return { loadErlangs: load, waitProbability: 1, answerTimeAvgSec: Infinity, abandonProbability: 0, waitAvgSec: Infinity, occupancy: 1 };
  }

  // log π_k up to a constant: log π_{k+1} = log π_k + log λ − log(death rate of k + 1).
  const logPi: number[] = [0];
  let maxLog = 0;
  for (let k = 0; ; k++) {
    const death = Math.min(k + 1, n) * mu + Math.max(k + 1 - n, 0) * theta;
    const next = logPi[k] + Math.log(lambda) - Math.log(death);
    logPi.push(next);
    if (next > maxLog) maxLog = next;
    const decreasing = death > lambda;
    if (k + 1 >= n && decreasing && next - maxLog < Math.log(TAIL_EPSILON)) break;
    if (k + 1 - n > MAX_QUEUE_STATES) break;
  }
  let total = 0;
  const pi = logPi.map((l) => {
    const p = Math.exp(l - maxLog);
    total += p;
    return p;
  });

  let pNoWait = 0;
  for (let k = 0; k < n && k < pi.length; k++) pNoWait += pi[k] / total;
  // Callers finding k ≥ N have j = k − N ahead: walk j upwards, extending the survival product and
  // the stage-time sum one stage at a time (stage j is the first one such a caller goes through).
  let servedAfterWait = 0;
  let servedWaitSum = 0;
  let abandoned = 0;
  let queued = 0;
  let survive = 1;
  let stageTime = 0;
  for (let k = n; k < pi.length; k++) {
    const j = k - n;
    const p = pi[k] / total;
    const rate = n * mu + (j + 1) * theta;
    // Stages are visited from j down to 0; Σ over i ≤ j is order-free, so both are cumulative in j.
    survive *= (n * mu + j * theta) / rate;
    stageTime += 1 / rate;
    servedAfterWait += p * survive;
    servedWaitSum += p * survive * stageTime;
    abandoned += p * (1 - survive);
    queued += p * j;
  }
  const served = pNoWait + servedAfterWait;
  // Little's law on the queue: mean wait of everyone = E[queue length] / λ.
  const waitAvgSec = queued / lambda;
  return {
    loadErlangs: load,
    waitProbability: 1 - pNoWait,
    answerTimeAvgSec: served > 0 ? servedWaitSum / served : Infinity,
    abandonProbability: abandoned,
    waitAvgSec,
    occupancy: Math.min(1, (load * served) / n),
  };
}

export interface StaffingTargets {
  answerTimeTargetSec: number;
  /** Percent, e.g. 3 for 3 %. */
  abandonedPctTarget: number;
}

const MAX_AGENTS = 100_000;

/**
 * Smallest N meeting both targets: under Erlang C the answer time (nobody hangs up), under Erlang A
 * the answer time and the abandon rate. Zero when no calls arrive.
 */
export function requiredAgents(
  model: 'erlangC' | 'erlangA',
  input: { arrivalsPerSec: number; handleSec: number; patienceSec?: number },
  targets: StaffingTargets,
): { agents: number; prediction: QueuePrediction } {
  const predict = (agents: number) =>
    model === 'erlangC'
      ? erlangCPrediction({ ...input, agents })
      : erlangAPrediction({ ...input, agents, patienceSec: input.patienceSec ?? Infinity });
  const meets = (p: QueuePrediction) =>
    p.answerTimeAvgSec <= targets.answerTimeTargetSec && p.abandonProbability * 100 <= targets.abandonedPctTarget;
  const load = input.arrivalsPerSec * input.handleSec;
  if (load === 0) return { agents: 0, prediction: predict(0) };
  // Both predictions improve with every added agent (monotone in N): find the smallest N that
  // meets the targets by doubling an upper bound, then bisecting.
  let lo = model === 'erlangC' ? Math.floor(load) : 0; // fails (unstable, or no agent at all)
  let hi = Math.max(lo + 1, Math.ceil(load));
  while (!meets(predict(hi))) {
    lo = hi;
    hi *= 2;
    if (hi > MAX_AGENTS) throw new RangeError(`more than ${MAX_AGENTS} agents would be needed`);
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (meets(predict(mid))) hi = mid;
    else lo = mid;
  }
  return { agents: hi, prediction: predict(hi) };
}

/** Weekly agent-hours → full-time equivalents, inflating for shrinkage (breaks, training, absence). */
export function fullTimeEquivalents(weeklyAgentHours: number, shrinkage: number, weeklyContractHours: number): number {
  if (!(shrinkage >= 0 && shrinkage < 1)) throw new RangeError(`shrinkage must be in [0, 1), got ${shrinkage}`);
  if (!(weeklyContractHours > 0)) throw new RangeError(`weeklyContractHours must be > 0, got ${weeklyContractHours}`);
  return weeklyAgentHours / (1 - shrinkage) / weeklyContractHours;
}

function idle(agents: number): QueuePrediction {
  return { loadErlangs: 0, waitProbability: agents > 0 ? 0 : 1, answerTimeAvgSec: 0, abandonProbability: 0, waitAvgSec: 0, occupancy: 0 };
}

function assertAgents(agents: number): void {
  if (!Number.isInteger(agents) || agents < 0) throw new RangeError(`agents must be an integer ≥ 0, got ${agents}`);
}

function assertRates(lambda: number, h: number): void {
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new RangeError(`arrivalsPerSec must be a finite number ≥ 0, got ${lambda}`);
  if (!(h > 0) || !Number.isFinite(h)) throw new RangeError(`handleSec must be a finite number > 0, got ${h}`);
}
