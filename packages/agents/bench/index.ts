/**
 * Economy benchmarks, printed with their targets (benchmarks, not timed tests):
 * 1. the baseline 2024-2060 with its full event log (target <= 5 s);
 * 2. a 1M-firm economy with logging on (target >= 10M firm-steps/s).
 */
import { Simulation } from "@takeoff/core"
import { economyModel, loadScenario, simulate } from "../dist/index.js"

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9

const baseline = loadScenario("baseline")
const t0 = process.hrtime.bigint()
const run = simulate(baseline, { seed: 7, untilYear: 2060, log: true })
const baselineS = seconds(t0)
console.log(
  `baseline 2024-2060 with full log: ${baselineS.toFixed(2)} s (target <= 5 s) ${baselineS <= 5 ? "OK" : "MISSED"}` +
    ` [${run.ticks} ticks, ${baseline.values["firms.count"]} firms, ${(run.text.length / 1e6).toFixed(1)} MB log]`,
)

const firms = 1_000_000
const big = loadScenario("baseline", { set: [["firms.count", String(firms)]] })
const sim = Simulation.create(economyModel, big, { seed: 7, log: true })
const n = sim.state.p.nFirms
sim.step() // tick 0 draws the firms' traits; measure steady monthly ticks
const ticks = 24
let bytes = 0
const t1 = process.hrtime.bigint()
for (let i = 0; i < ticks; i++) bytes += sim.step().text.length
const bigS = seconds(t1)
const rate = (n * ticks) / bigS
console.log(
  `1M-firm economy with logging: ${(rate / 1e6).toFixed(1)}M firm-steps/s (target >= 10M) ${rate >= 1e7 ? "OK" : "MISSED"}` +
    ` [${n} firms x ${ticks} ticks in ${bigS.toFixed(2)} s, ${(bytes / ticks / 1e6).toFixed(2)} MB log per tick]`,
)
