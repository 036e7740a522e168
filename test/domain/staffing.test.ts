import { erlangB, erlangC, erlangCPrediction, erlangAPrediction, fullTimeEquivalents, requiredAgents } from '../../domain/staffing';

/** Erlang C by the textbook sum (domain.md), in logarithms: an independent implementation to compare with. */
function erlangCBySum(agents: number, load: number): number {
  let logTerm = 0; // log(A^k / k!) for k = 0
  const terms: number[] = [];
  for (let k = 0; k <= agents; k++) {
    if (k > 0) logTerm += Math.log(load) - Math.log(k);
    terms.push(logTerm);
  }
  const max = Math.max(...terms);
  const below = terms.slice(0, agents).reduce((s, l) => s + Math.exp(l - max), 0);
  const top = Math.exp(terms[agents] - max) * (agents / (agents - load));
  return top / (below + top);
}

/** P(X ≥ n) and E[(X − n)⁺] for X ~ Poisson(a), summed far into the tail. */
function poissonTail(a: number, n: number): { atLeast: number; excess: number } {
  let p = Math.exp(-a);
  let atLeast = 0;
  let excess = 0;
  for (let k = 0; k < 10 * (a + n) + 100; k++) {
    if (k > 0) p *= a / k;
    if (k >= n) {
      atLeast += p;
      excess += p * (k - n);
    }
  }
  return { atLeast, excess };
}

describe('Erlang B and C', () => {
  it('matches the published worked example', () => {
    // Call Centre Helper, "Erlang C Formula – Made Simple" (worked example): 100 calls in 30 minutes,
    // average handle time 180 s → 10 Erlangs; with 14 agents the probability of waiting is 17.41 %
    // and the average speed of answer 7.8 s (ASA = Pw · AHT / (N − A)).
    const p = erlangCPrediction({ arrivalsPerSec: 100 / 1800, handleSec: 180, agents: 14 });
    expect(p.loadErlangs).toBeCloseTo(10, 12);
    expect(p.waitProbability).toBeCloseTo(0.1741, 4);
    expect(p.answerTimeAvgSec).toBeCloseTo(7.8, 1);
    expect(p.occupancy).toBeCloseTo(10 / 14, 12);
  });

  it('agrees with the textbook sum and stays finite for hundreds of agents', () => {
    for (const [agents, load] of [[1, 0.5], [14, 10], [55, 48], [120, 100], [300, 280.5]] as const) {
      expect(erlangC(agents, load)).toBeCloseTo(erlangCBySum(agents, load), 10);
    }
    // 1,000 agents at 950 Erlangs: A^N/N! overflows doubles by hundreds of orders of magnitude.
    const big = erlangC(1000, 950);
    expect(Number.isFinite(big)).toBe(true);
    expect(big).toBeCloseTo(erlangCBySum(1000, 950), 10);
    expect(big).toBeGreaterThan(0);
    expect(big).toBeLessThan(1);
  });

  it('Erlang B: the classic one-line check and the recursion limits', () => {
    // B(1, A) = A / (1 + A); B(2, 1) = 1/5 (Erlang B tables: 2 lines, 1 Erlang, 20 % blocked).
    expect(erlangB(1, 3)).toBeCloseTo(0.75, 15);
    expect(erlangB(2, 1)).toBeCloseTo(0.2, 15);
    expect(erlangB(0, 5)).toBe(1);
    expect(() => erlangB(-1, 5)).toThrow(RangeError);
  });

  it('unstable queue (N ≤ A): everyone waits, forever on average', () => {
    expect(erlangC(10, 10)).toBe(1);
    expect(erlangCPrediction({ arrivalsPerSec: 1 / 18, handleSec: 180, agents: 10 }).answerTimeAvgSec).toBe(Infinity);
  });
});

describe('Erlang A', () => {
  it('with infinite patience equals Erlang C (computed by a different route)', () => {
    for (const [lambda, h, agents] of [[100 / 1800, 180, 14], [0.2, 240, 55], [1, 300, 320]] as const) {
      const c = erlangCPrediction({ arrivalsPerSec: lambda, handleSec: h, agents });
      for (const patienceSec of [Infinity, 1e12]) {
        const a = erlangAPrediction({ arrivalsPerSec: lambda, handleSec: h, agents, patienceSec });
        expect(a.waitProbability).toBeCloseTo(c.waitProbability, 6);
        expect(a.answerTimeAvgSec).toBeCloseTo(c.answerTimeAvgSec, 4);
        expect(a.abandonProbability).toBeCloseTo(0, 6);
      }
    }
  });

  it('patience equal to the handle time is an M/M/∞ system: Poisson(A) callers in the system', () => {
    // Every caller leaves at rate μ whether talking or waiting, so the number in the system is
    // Poisson(A): P(wait) = P(X ≥ N), E[queue] = E[(X − N)⁺], P(abandon) = θ · E[queue] / λ.
    const lambda = 0.05;
    const h = 200; // A = 10
    for (const agents of [5, 10, 13]) {
      const a = erlangAPrediction({ arrivalsPerSec: lambda, handleSec: h, agents, patienceSec: h });
      const { atLeast, excess } = poissonTail(lambda * h, agents);
      expect(a.waitProbability).toBeCloseTo(atLeast, 10);
      expect(a.waitAvgSec).toBeCloseTo(excess / lambda, 8);
      expect(a.abandonProbability).toBeCloseTo(excess / h / lambda, 10);
    }
  });

  it('abandons match the flow balance θ·E[Q] = λ·P(abandon), answered waits are below everyone’s', () => {
    for (const [agents, patienceSec] of [[40, 60], [48, 120], [55, 300], [400, 90]] as const) {
      const lambda = agents === 400 ? 1.6 : 0.2;
      const a = erlangAPrediction({ arrivalsPerSec: lambda, handleSec: 240, agents, patienceSec });
      expect(a.abandonProbability).toBeCloseTo(a.waitAvgSec / patienceSec, 8);
      expect(a.abandonProbability).toBeGreaterThan(0);
      expect(a.answerTimeAvgSec).toBeLessThan(a.waitAvgSec / (1 - a.abandonProbability) + 1e-9);
    }
  });

  it('works with fewer agents than the load (stable thanks to abandons) and with none', () => {
    const over = erlangAPrediction({ arrivalsPerSec: 0.2, handleSec: 240, agents: 40, patienceSec: 120 });
    expect(over.abandonProbability).toBeGreaterThan(1 - 40 / 48 - 1e-9);
    const none = erlangAPrediction({ arrivalsPerSec: 0.2, handleSec: 240, agents: 0, patienceSec: 120 });
    expect(none.abandonProbability).toBeCloseTo(1, 12);
    expect(none.waitAvgSec).toBeCloseTo(120, 6);
  });
});

describe('required agents', () => {
  const targets = { answerTimeTargetSec: 13, abandonedPctTarget: 3 };

  it('is the smallest N meeting the targets', () => {
    const input = { arrivalsPerSec: 100 / 1800, handleSec: 180, patienceSec: 90 };
    for (const model of ['erlangC', 'erlangA'] as const) {
      const { agents, prediction } = requiredAgents(model, input, targets);
      const at = (n: number) =>
        model === 'erlangC' ? erlangCPrediction({ ...input, agents: n }) : erlangAPrediction({ ...input, agents: n });
      expect(prediction).toEqual(at(agents));
      expect(prediction.answerTimeAvgSec).toBeLessThanOrEqual(13);
      expect(prediction.abandonProbability * 100).toBeLessThanOrEqual(3);
      const fewer = at(agents - 1);
      expect(fewer.answerTimeAvgSec > 13 || fewer.abandonProbability * 100 > 3).toBe(true);
    }
    // Callers who hang up relieve the queue: Erlang A never asks for more agents than Erlang C.
    expect(requiredAgents('erlangA', input, targets).agents).toBeLessThanOrEqual(requiredAgents('erlangC', input, targets).agents);
  });

  it('scales to a city: 600 Erlangs', () => {
    const { agents } = requiredAgents('erlangC', { arrivalsPerSec: 2, handleSec: 300 }, targets);
    expect(agents).toBeGreaterThan(600);
    expect(agents).toBeLessThan(640);
  });

  it('no calls: no agents', () => {
    expect(requiredAgents('erlangA', { arrivalsPerSec: 0, handleSec: 180, patienceSec: 60 }, targets).agents).toBe(0);
  });

  it('FTE: agent-hours inflated by shrinkage over the contract week', () => {
    // 720 agent-hours, 30 % shrinkage, 36-hour weeks: 720 / 0.7 / 36 = 28.571...
    expect(fullTimeEquivalents(720, 0.3, 36)).toBeCloseTo(28.5714, 4);
    expect(() => fullTimeEquivalents(720, 1, 36)).toThrow(RangeError);
  });
});
