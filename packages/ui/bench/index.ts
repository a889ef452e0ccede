/**
 * UI bench: in Chromium, against the real server, start a run at full speed and measure while it
 * streams (a) frame time p50/p95 from requestAnimationFrame timestamps and (b) main-thread time per
 * chart update (the controller's per-frame flush through the Lit render and every uPlot setData).
 * Prints the figures with their targets; it is a measurement, not a test.
 */
import { cpus, loadavg } from "node:os"
import { launchChromium, startRealServer, unavailableReason } from "../test/harness.js"

const SAMPLE_MS = 6000
const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return Number.NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
}

const reason = await unavailableReason()
if (reason) {
  console.log(`ui bench skipped: ${reason}`)
  process.exit(process.env.CI === "true" && reason.startsWith("Chromium") ? 1 : 0)
}

const server = await startRealServer()
const browser = await launchChromium()
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 950 } })
  // tsx (esbuild keepNames) wraps named functions in page.evaluate bodies with __name(); define it in the page.
  await page.addInitScript({ content: "window.__name = (fn) => fn" })
  await page.addInitScript(() => {
    window.__takeoffPerf = { frames: 0, messages: 0, flushMs: [] }
  })
  await page.goto(`${server.url}/?scenario=baseline&seed=1`)
  await page.locator("#scenario").waitFor()
  const cdp = await page.context().newCDPSession(page)
  await cdp.send("Performance.enable")
  const metric = async (name: string) =>
    ((await cdp.send("Performance.getMetrics")) as { metrics: Array<{ name: string; value: number }> }).metrics.find(
      (m) => m.name === name,
    )?.value ?? 0
  await page.locator("#run").click()
  await page.waitForFunction(() => (window.__takeoffPerf?.frames ?? 0) > 0, undefined, { timeout: 30_000 })
  const layout0 = await metric("LayoutDuration")
  const task0 = await metric("TaskDuration")
  const result = await page.evaluate(async (sampleMs) => {
    const perf = window.__takeoffPerf!
    perf.flushMs.length = 0
    const msgs0 = perf.messages
    const frames0 = perf.frames
    const deltas: number[] = []
    const app = document.querySelector("takeoff-app") as any
    const tick0 = app.stream.series.lastTick as number
    await new Promise<void>((done) => {
      let last = 0
      const start = performance.now()
      const loop = (t: number) => {
        if (last) deltas.push(t - last)
        last = t
        if (t - start < sampleMs && app.stream.status !== "done") requestAnimationFrame(loop)
        else done()
      }
      requestAnimationFrame(loop)
    })
    return {
      deltas,
      flushMs: [...perf.flushMs],
      messages: perf.messages - msgs0,
      updates: perf.frames - frames0,
      ticks: (app.stream.series.lastTick as number) - tick0,
      charts: app.shadowRoot.querySelector("tk-live-view").shadowRoot.querySelectorAll("tk-chart").length as number,
    }
  }, SAMPLE_MS)
  const layoutMs = ((await metric("LayoutDuration")) - layout0) * 1000
  const taskMs = ((await metric("TaskDuration")) - task0) * 1000
  const seconds = result.deltas.reduce((a, b) => a + b, 0) / 1000
  console.log(`ui bench (Chromium ${browser.version()}, ${result.charts} charts, ${seconds.toFixed(1)} s of streaming)`)
  console.log(
    `  ticks streamed            ${result.ticks} (${(result.ticks / seconds).toFixed(0)} ticks/s), ${result.messages} messages in ${result.updates} chart updates`,
  )
  console.log(`  frame time p50            ${pct(result.deltas, 50).toFixed(1)} ms   (target <= 17 ms)`)
  console.log(`  frame time p95            ${pct(result.deltas, 95).toFixed(1)} ms   (target <= 33 ms)`)
  console.log(`  script per chart update p50 ${pct(result.flushMs, 50).toFixed(2)} ms  (target <= 8 ms)`)
  console.log(`  script per chart update p95 ${pct(result.flushMs, 95).toFixed(2)} ms  (target <= 16 ms)`)
  console.log(
    `  layout per chart update    ${(layoutMs / Math.max(1, result.updates)).toFixed(2)} ms  (target <= 4 ms)`,
  )
  console.log(
    `  main thread busy           ${((taskMs / (seconds * 1000)) * 100).toFixed(0)}%  (all tasks incl. socket, paint; target < 75%)`,
  )
  console.log(
    `  host load average          ${loadavg()[0].toFixed(1)} on ${cpus().length} cores (figures are noisy when the host is busy)`,
  )
} finally {
  await browser.close()
  await server.close()
}
