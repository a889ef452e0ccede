/**
 * Economy benchmarks, printed with their targets (benchmarks, not timed tests):
 * 1. the baseline 2024-2060 with its full event log (target <= 5 s);
 * 2. a 1M-firm economy with logging on (target >= 10M firm-steps/s);
 * 3. logging's cost at 1M firms: logged against unlogged ticks, interleaved (target < 25%).
 */
import { Simulation } from "@takeoff/core"
import { busyOf, interleave, ratioOf, verdict } from "@takeoff/core/measure"
import { economyModel, loadScenario, simulate } from "../dist/index.js"

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9

const baseline = loadScenario("baseline")
const t0 = process.hrtime.bigint()
const run = simulate(baseline, { seed: 7, untilYear: 2060, log: true })
const baselineS = seconds(t0)
console.log(
  `baseline 2024-2060 with full log: ${baselineS.toFixed(2)} s (target <= 5 s) ${baselineS <= 5 ? "ok" : "MISSED"}` +
    ` [${run.ticks} ticks, ${baseline.values["firms.count"]} firms, ${(run.text.length / 1e6).toFixed(1)} MB log]`,
)

const firms = 1_000_000
const big = loadScenario("baseline", { set: [["firms.count", String(firms)]] })
/**
 * Logged and unlogged runs of the same 1M-firm economy, stepped in alternating blocks of K ticks
 * (one sealed state hash each), so both see the same ticks and the same load.
 */
const block = 12
const logged = Simulation.create(economyModel, big, { seed: 7, log: true, stateHashEvery: block })
const unlogged = Simulation.create(economyModel, big, { seed: 7, log: false, stateHashEvery: block })
const n = logged.state.p.nFirms
logged.step() // tick 0 draws the firms' traits; measure steady monthly ticks
unlogged.step()
let bytes = 0
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
/** CPU milliseconds (this process, all threads): steadier than wall time on a shared machine. */
const cpuMs = (f: () => void) => {
  const c = process.cpuUsage()
  f()
  const d = process.cpuUsage(c)
  return (d.user + d.system) / 1000
}
const steps = interleave(ROUNDS, {
  logged: () =>
    cpuMs(() => {
      for (let i = 0; i < block; i++) bytes += logged.step().text.length
    }),
  unlogged: () =>
    cpuMs(() => {
      for (let i = 0; i < block; i++) unlogged.step()
    }),
})
const ticks = ROUNDS * block
const rate = (n * block) / (steps.logged.min / 1000)
console.log(
  `1M-firm economy with logging: ${(rate / 1e6).toFixed(1)}M firm-steps/s (target >= 10M) ${verdict(rate >= 1e7, busyOf(steps.logged))}` +
    ` [${n} firms, CPU time, min of ${ROUNDS} blocks of ${block} ticks, ${(bytes / ticks / 1e6).toFixed(2)} MB log per tick]`,
)
const cost = ratioOf(steps.logged, steps.unlogged, { atLeastOne: true })
const perTickMs = (steps.logged.min - steps.unlogged.min) / block
console.log(
  `logging at 1M firms over not logging: +${((cost.min - 1) * 100).toFixed(0)}% (median +${((cost.median - 1) * 100).toFixed(0)}%, ${perTickMs.toFixed(1)} ms a tick) (target < 25%) ${verdict(cost.min < 1.25, cost.busy)}` +
    ` [CPU time, interleaved blocks of ${block} ticks, one sealed state hash each]`,
)
// A snapshot (every 10 K ticks by default) still writes the state's JSON: its cost, for scale.
let snapshotChars = 0
const snapshotMs = cpuMs(() => {
  snapshotChars = JSON.stringify(logged.worldJson()).length
})
console.log(
  `snapshot at 1M firms: ${snapshotMs.toFixed(0)} ms CPU, ${(snapshotChars / 1e6).toFixed(1)} MB, once every ${10 * block} ticks (reference, no target)`,
)
