import { erlangAPrediction, erlangCPrediction } from '../../domain/staffing';
import { exponential, replayCalls, seededGenerator, simulateQueue, type RecordedCall, type SimCall } from '../../domain/what-if-simulation';

/** Poisson arrivals at `lambda` per second, exponential talk times and patience, from one seed. */
function poissonCalls(count: number, lambda: number, handleSec: number, patienceSec: number, seed: number): SimCall[] {
  const rng = seededGenerator(seed);
  const calls: SimCall[] = [];
  let t = 0;
  for (let i = 0; i < count; i++) {
    t += exponential(rng, 1 / lambda) * 1000;
    calls.push({ arrivalMs: t, handleSec: exponential(rng, handleSec), patienceSec: exponential(rng, patienceSec) });
  }
  return calls;
}

function summary(calls: SimCall[], agents: number) {
  const { answered, waitSec } = simulateQueue(calls, [{ atMs: 0, agents }]);
  let n = 0;
  let waits = 0;
  for (let i = 0; i < calls.length; i++) {
    if (answered[i]) {
      n++;
      waits += waitSec[i];
    }
  }
  return { answerTimeAvgSec: waits / n, abandonProbability: 1 - n / calls.length };
}

describe('what-if simulation against the analytic formulas (steady Poisson arrivals, long run)', () => {
  // 400,000 calls at 48 Erlangs (λ = 0.2/s, h = 240 s): the statistical error of these averages
  // is about 1-2 %, the start from an empty system is negligible. Tolerance: 5 % relative.
  const tolerance = (expected: number) => Math.max(0.05 * expected, 0.002);

  it('Erlang A: answer time and abandons', () => {
    for (const agents of [46, 50]) {
      const calls = poissonCalls(400_000, 0.2, 240, 180, 7 + agents);
      const sim = summary(calls, agents);
      const exact = erlangAPrediction({ arrivalsPerSec: 0.2, handleSec: 240, agents, patienceSec: 180 });
      expect(Math.abs(sim.answerTimeAvgSec - exact.answerTimeAvgSec)).toBeLessThan(tolerance(exact.answerTimeAvgSec));
      expect(Math.abs(sim.abandonProbability - exact.abandonProbability)).toBeLessThan(tolerance(exact.abandonProbability));
    }
  });

  it('Erlang C: callers who never hang up', () => {
    // Without abandons waits are strongly correlated from one caller to the next, so the average
    // wait converges slowly: 1,000,000 calls at ρ = 0.83, 10 % tolerance on the answer time and
    // 5 % on the probability of waiting (which converges faster).
    const calls = poissonCalls(1_000_000, 0.2, 240, Infinity, 11);
    const { answered, waitSec } = simulateQueue(calls, [{ atMs: 0, agents: 58 }]);
    const exact = erlangCPrediction({ arrivalsPerSec: 0.2, handleSec: 240, agents: 58 });
    expect(answered.every((a) => a === 1)).toBe(true);
    const waited = waitSec.filter((w) => w > 0).length / calls.length;
    const asa = waitSec.reduce((s, w) => s + w, 0) / calls.length;
    expect(Math.abs(waited - exact.waitProbability)).toBeLessThan(0.05 * exact.waitProbability);
    expect(Math.abs(asa - exact.answerTimeAvgSec)).toBeLessThan(0.1 * exact.answerTimeAvgSec);
  });
});

describe('replaying a month against the staffing that produced it', () => {
  it('reproduces the actual figures, and moves the right way with other staffing', () => {
    // A "real" month: Poisson arrivals (λ = 0.1/s, h = 200 s, A = 20) served by 21 agents, callers
    // with exponential patience of 60 s. Its records are what a switch would log; the replay only
    // sees those records (patience estimated from the abandons) and the same 21 agents.
    const truth = poissonCalls(100_000, 0.1, 200, 60, 99);
    const { answered, waitSec } = simulateQueue(truth, [{ atMs: 0, agents: 21 }]);
    const records: RecordedCall[] = truth.map((c, i) =>
      answered[i]
        ? { registeredMs: c.arrivalMs, answeredMs: c.arrivalMs + waitSec[i] * 1000, endedMs: c.arrivalMs + (waitSec[i] + c.handleSec) * 1000 }
        : { registeredMs: c.arrivalMs, answeredMs: null, endedMs: c.arrivalMs + c.patienceSec * 1000 },
    );
    const actual = summary(truth, 21);
    const { simCalls, patience } = replayCalls(records, 5);
    expect(patience.meanSec).toBeGreaterThan(60 * 0.9);
    expect(patience.meanSec).toBeLessThan(60 * 1.1);
    const replayed = summary(simCalls, 21);
    // Same arrivals, same agents, FCFS: every answered caller is answered at the same instant again
    // (its drawn patience exceeds the wait it went through) and every hang-up hangs up at its observed
    // patience again, so the replay reproduces the month, whatever the draws.
    expect(replayed.answerTimeAvgSec).toBeCloseTo(actual.answerTimeAvgSec, 6);
    expect(replayed.abandonProbability).toBeCloseTo(actual.abandonProbability, 9);
    // With other staffing the draws matter, and the figures move the right way.
    const fewer = summary(simCalls, 19);
    const more = summary(simCalls, 24);
    expect(fewer.answerTimeAvgSec).toBeGreaterThan(actual.answerTimeAvgSec);
    expect(fewer.abandonProbability).toBeGreaterThan(actual.abandonProbability);
    expect(more.answerTimeAvgSec).toBeLessThan(actual.answerTimeAvgSec);
    expect(more.abandonProbability).toBeLessThan(actual.abandonProbability);
  });
});

describe('what-if simulation behaviour', () => {
  const recorded: RecordedCall[] = (() => {
    const rng = seededGenerator(3);
    const out: RecordedCall[] = [];
    let t = Date.UTC(2026, 2, 2, 7);
    for (let i = 0; i < 20_000; i++) {
      t += exponential(rng, 5) * 1000;
      const wait = exponential(rng, 20) * 1000;
      if (i % 10 === 0) out.push({ registeredMs: t, answeredMs: null, endedMs: t + wait });
      else out.push({ registeredMs: t, answeredMs: t + wait, endedMs: t + wait + exponential(rng, 200) * 1000 });
    }
    return out;
  })();
  const run = (agents: number, seed: number) => {
    const { simCalls } = replayCalls(recorded, seed);
    return summary(simCalls, agents);
  };

  it('more agents: shorter answer time and fewer abandons', () => {
    const few = run(38, 1);
    const more = run(42, 1);
    const many = run(50, 1);
    expect(more.answerTimeAvgSec).toBeLessThan(few.answerTimeAvgSec);
    expect(many.answerTimeAvgSec).toBeLessThan(more.answerTimeAvgSec);
    expect(more.abandonProbability).toBeLessThan(few.abandonProbability);
    expect(many.abandonProbability).toBeLessThanOrEqual(more.abandonProbability);
  });

  it('same seed, same result; another seed, another draw', () => {
    expect(run(40, 5)).toEqual(run(40, 5));
    expect(run(40, 6)).not.toEqual(run(40, 5));
  });

  it('patience is estimated from abandons; abandoned calls keep their observed patience', () => {
    const { simCalls, patience } = replayCalls(recorded, 1);
    expect(patience.abandons).toBe(2000);
    const exposure = recorded.reduce((s, c) => s + ((c.answeredMs ?? c.endedMs) - c.registeredMs), 0) / 1000;
    expect(patience.meanSec).toBeCloseTo(exposure / 2000, 6);
    const first = recorded[0];
    expect(simCalls[0].patienceSec).toBeCloseTo((first.endedMs - first.registeredMs) / 1000, 9);
  });

  it('agents come and go with the plan; leaving agents first answer the callers already queued', () => {
    const calls: SimCall[] = [
      { arrivalMs: 0, handleSec: 10, patienceSec: 100 },
      { arrivalMs: 1000, handleSec: 10, patienceSec: 5 },
      { arrivalMs: 2000, handleSec: 10, patienceSec: 1000 },
      { arrivalMs: 5000, handleSec: 10, patienceSec: 1000 },
    ];
    // Nobody until 3 s, one agent from 3 s to 4 s, then none.
    const r = simulateQueue(calls, [{ atMs: 3000, agents: 1 }, { atMs: 4000, agents: 0 }]);
    // Call 0 is answered at 3 s and ends at 13 s; call 1 hung up at 6 s; call 2, queued before the
    // agent's shift ended, is answered at 13 s; call 3 arrived after it and is never answered.
    expect([...r.answered]).toEqual([1, 0, 1, 0]);
    expect([...r.waitSec]).toEqual([3, 5, 11, 1000]);
  });
});
