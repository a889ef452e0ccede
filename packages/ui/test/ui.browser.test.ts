import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { NotableEvent, ServerMessage } from "@takeoff/protocol"
import type { Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import { WebSocket } from "ws"
import {
  chromiumPath,
  finishedRun,
  isCi,
  saveScreenshot,
  sidewaysOverflow,
  unavailableReason,
  useServerAndBrowser,
  watchErrors,
} from "./harness.js"

const reason = await unavailableReason()
const chromiumMissing = reason?.startsWith("Chromium") ?? false
if (reason) console.warn(`\n[ui browser tests] SKIPPED: ${reason}\n`)

describe.runIf(isCi && chromiumMissing)("under CI", () => {
  it("needs Chromium", () => {
    expect.fail(`CI=true but Chromium is missing at ${chromiumPath}`)
  })
})

/** Points read from one of the app's charts, by evaluating in the page (the locator sees into shadow roots). */
interface ChartProbe {
  points: number
  lastX: number | null
  series: number
  markers: string[]
  lines: string[]
}

const probeChart = async (page: Page, id: string): Promise<ChartProbe | null> => {
  const probes = await page.locator(`#${id}`).evaluateAll((els) =>
    els.map((el: any): ChartProbe => {
      const xs = el.data?.[0] ?? []
      return {
        points: xs.length,
        lastX: xs.length ? xs[xs.length - 1] : null,
        series: Math.max(0, (el.data?.length ?? 1) - 1),
        markers: (el.markers ?? []).map((m: { label: string }) => m.label),
        lines: (el.lines ?? []).map((l: { label: string }) => l.label),
      }
    }),
  )
  return probes[0] ?? null
}

/** Every notable event of a run, as a plain WebSocket client following it from tick 0 receives them. */
const notablesOf = (url: string, runId: string): Promise<NotableEvent[]> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/api/runs/${runId}/stream?from=0`)
    const events: NotableEvent[] = []
    ws.on("message", (data) => {
      const m = JSON.parse(data.toString()) as ServerMessage
      if (m.type === "notables") events.push(...m.events)
      if (m.type === "status") {
        ws.close()
        resolve(events)
      }
    })
    ws.on("error", reject)
  })

const runStatus = (page: Page): Promise<{ status: string; tick: number; runTick: number } | null> =>
  page.evaluate(() => {
    const app = document.querySelector("takeoff-app") as any
    const run = app.stream.run
    return run
      ? { status: run.status as string, tick: app.stream.series.lastTick as number, runTick: run.tick as number }
      : null
  })

describe.skipIf(reason !== null)("the UI in Chromium against the real server", () => {
  const env = useServerAndBrowser()

  const open = async (path = "/", viewport = { width: 1400, height: 950 }) => {
    const page = await env.browser.newPage({ viewport })
    const errors = watchErrors(page)
    await page.goto(`${env.server.url}${path}`)
    await page.locator("#scenario").waitFor()
    return { page, errors }
  }

  it("picks baseline, runs, fills the AI-share chart and marks AGI", async () => {
    const { page, errors } = await open()
    await page.locator("#scenario").selectOption("baseline")
    await expect.poll(() => page.locator("#scenario-desc").textContent()).not.toBe("")
    await page.locator("#run").click()
    await page.locator('tk-milestone-banner [data-kind="agi"]').waitFor({ timeout: 90_000 })
    const chart = await probeChart(page, "chart-ai-share")
    expect(chart?.points).toBeGreaterThan(12)
    expect(chart?.markers.some((m) => m.startsWith("AGI "))).toBe(true)
    // The thresholds are the scenario's, as the server sent them.
    expect(chart?.lines).toEqual(["AGI 10%", "ASI 90%"])
    // The physical economy has its charts: electricity and materials by user (and in all), and the
    // binding constraints over time.
    for (const [id, series] of [
      ["chart-electricity", 5],
      ["chart-materials", 5],
      ["chart-binding", 4],
    ] as const) {
      const physical = await probeChart(page, id)
      expect(physical?.series, id).toBe(series)
      expect(physical?.points, id).toBeGreaterThan(12)
    }
    expect(page.url()).toMatch(/run=/)
    // Click an event: its data shows, and its tick is marked on the charts. First the stream must be
    // done (no event can still arrive) and the feed, which re-renders on a throttle, must show the
    // newest event at the top: only then does the top row hold still.
    await expect
      .poll(() => page.evaluate(() => (document.querySelector("takeoff-app") as any).stream.status), {
        timeout: 90_000,
      })
      .toBe("done")
    const newest = await page.evaluate(() => {
      const events = (document.querySelector("takeoff-app") as any).stream.events as Array<{ date: string }>
      return events[events.length - 1].date
    })
    await expect
      .poll(async () => (await page.locator("tk-event-feed ol button .date").first().textContent())?.trim(), {
        timeout: 10_000,
      })
      .toBe(newest)
    const first = page.locator("tk-event-feed ol button").first()
    await first.waitFor({ timeout: 60_000 })
    const eventDate = (await first.locator(".date").textContent())!.trim()
    await first.click()
    await expect(page.locator("tk-event-feed pre").textContent()).resolves.toContain(eventDate)
    const highlight = await page.locator("#chart-gdp").evaluate((el: any) => el.highlightX)
    const [y, m] = eventDate.split("-").map(Number)
    expect(highlight).toBeCloseTo(y + (m - 1) / 12, 6)
    // Export: the chart as PNG and its series as CSV.
    const exported = await page.locator("#chart-ai-share").evaluate((el: any) => {
      const csv: string = el.toCsv()
      return {
        png: (el.toPngDataUrl() as string).slice(0, 22),
        lines: csv.trim().split("\n"),
        points: el.data[0].length,
      }
    })
    expect(exported.png).toBe("data:image/png;base64,")
    expect(exported.lines[0]).toMatch(/^date,/)
    expect(exported.lines.length).toBe(exported.points + 1)
    await saveScreenshot(page, "01-live-agi")
    expect(errors).toEqual([])
    await page.close()
  })

  it("pauses and resumes a live run", async () => {
    const { page, errors } = await open("/?scenario=baseline&seed=3")
    await page.locator("#run").click()
    await page.getByRole("button", { name: "1×" }).click()
    await expect.poll(async () => (await runStatus(page))?.tick ?? -1, { timeout: 30_000 }).toBeGreaterThan(2)
    await page.locator("#pause").click()
    await expect.poll(async () => (await runStatus(page))?.status, { timeout: 10_000 }).toBe("paused")
    await page.waitForTimeout(300)
    const pausedAt = (await runStatus(page))!.tick
    await page.waitForTimeout(1200)
    expect((await runStatus(page))!.tick).toBe(pausedAt)
    await expect(page.locator("#run-status").textContent()).resolves.toContain("paused")
    await saveScreenshot(page, "02-paused")
    // Step advances exactly one tick and stays paused.
    await page.locator("#step").click()
    await expect.poll(async () => (await runStatus(page))?.tick).toBe(pausedAt + 1)
    await page.waitForTimeout(500)
    expect(await runStatus(page)).toMatchObject({ status: "paused", tick: pausedAt + 1 })
    await page.locator("#resume").click()
    await expect
      .poll(async () => (await runStatus(page))?.tick ?? -1, { timeout: 20_000 })
      .toBeGreaterThan(pausedAt + 1)
    await page.locator("#stop").click()
    expect(errors).toEqual([])
    await page.close()
  })

  it("opens a finished run, scrubs to a date and the charts move there", async () => {
    const run = await finishedRun(env.server.url, 5, 2045, 90_000)
    const { page, errors } = await open(`/?run=${run.id}`)
    await page.locator("#scrub").waitFor()
    // Every notable event of the finished run reaches the feed, the last batch's too (they arrive
    // after their batch; the client once closed the socket on the last tick and dropped them).
    const streamed = await notablesOf(env.server.url, run.id)
    await expect
      .poll(() => page.evaluate(() => (document.querySelector("takeoff-app") as any).stream.status), {
        timeout: 30_000,
      })
      .toBe("done")
    const inPage = await page.evaluate(() =>
      (document.querySelector("takeoff-app") as any).stream.events.map((e: { tick: number; summary: string }) => ({
        tick: e.tick,
        summary: e.summary,
      })),
    )
    expect(streamed.length).toBeGreaterThan(60)
    expect(inPage).toEqual(streamed.map((e) => ({ tick: e.tick, summary: e.summary })))
    const full = (await probeChart(page, "chart-gdp"))!
    await page.locator("#goto").fill("2030-06")
    await expect.poll(() => page.locator("#scrub-date").textContent()).toBe("2030-06")
    const moved = (await probeChart(page, "chart-gdp"))!
    expect(moved.points).toBeLessThan(full.points)
    expect(moved.lastX).toBeCloseTo(2030 + 5 / 12, 5)
    // The state is refolded from the nearest snapshot on the server: allow for a loaded machine.
    await expect.poll(() => page.locator("#replay-state h2").textContent(), { timeout: 15_000 }).toContain("2030-06")
    // Keyboard: one step right on the focused scrubber is one month later.
    await page.locator("#scrub").focus()
    await page.keyboard.press("ArrowRight")
    await expect.poll(() => page.locator("#scrub-date").textContent()).toBe("2030-07")
    expect(page.url()).toContain("at=2030-07")
    await saveScreenshot(page, "03-replay-scrubbed")
    // Explain: the audit of AGI, from the server's audit endpoint.
    // Scrolled to the foot of the page, Explain brings its heading into view below the sticky bar.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight))
    await page.locator('tk-milestone-banner [data-kind="agi"] button').click()
    await page.locator("#explain").waitFor()
    await expect
      .poll(async () => {
        const bar = await page.locator("header.top").evaluate((el) => el.getBoundingClientRect().bottom)
        const heading = await page.locator("#explain h2").evaluate((el) => el.getBoundingClientRect().top)
        return heading >= bar && heading < 844
      })
      .toBe(true)
    // Drivers read as words ("robot cost"), not identifiers ("robotCost").
    const drivers = await page.locator("#explain table.drivers td:first-child").allTextContents()
    expect(drivers.length).toBeGreaterThan(0)
    expect(drivers.filter((d) => /[a-z][A-Z]/.test(d))).toEqual([])
    await expect(page.locator("#explain h2").textContent()).resolves.toContain("Why AGI")
    await expect(page.locator("#explain").textContent()).resolves.toMatch(/aiShare|AI share/)
    await saveScreenshot(page, "03b-explain-agi")
    // Play back from the scrubbed month: the position advances on its own.
    await page.locator("#play").click()
    await expect.poll(async () => (await page.locator("#scrub-date").textContent())! > "2031-06").toBe(true)
    await page.locator("#play").click()
    expect(errors).toEqual([])
    await page.close()
  })

  it("uploads a log and replays it", async () => {
    const run = await finishedRun(env.server.url, 11, 2032, 90_000)
    const log = await (await fetch(`${env.server.url}/api/runs/${run.id}/log`)).text()
    const file = join(mkdtempSync(join(tmpdir(), "takeoff-log-")), "run.ndjson")
    writeFileSync(file, log)
    // The page names another scenario and seed before the upload; afterwards, the log's.
    const { page, errors } = await open("/?view=runs&scenario=fast-takeoff&seed=9")
    await page.locator("#upload").setInputFiles(file)
    await page.locator("#scrub").waitFor({ timeout: 60_000 })
    const url = new URL(page.url()).searchParams
    expect(url.get("run")).not.toBe(run.id)
    expect([url.get("scenario"), url.get("seed")]).toEqual(["baseline", "11"])
    await expect.poll(() => page.locator("#scenario").inputValue()).toBe("baseline")
    await expect(page.locator("#seed").inputValue()).resolves.toBe("11")
    const chart = (await probeChart(page, "chart-ai-share"))!
    expect(chart.points).toBe(run.tick + 1)
    await saveScreenshot(page, "08-uploaded-log")
    expect(errors).toEqual([])
    await page.close()
  })

  it("compares two seeds on the same charts", async () => {
    const { page, errors } = await open("/?view=compare&scenario=baseline&until=2040")
    await page.locator("tk-compare-view summary", { hasText: "several seeds" }).click()
    await page.locator("#compare-seeds").fill("1, 2")
    await page.locator("#compare-run").click()
    await expect.poll(async () => (await probeChart(page, "cmp-ai-share"))?.series ?? 0, { timeout: 90_000 }).toBe(2)
    await expect
      .poll(() => page.locator("#compare-milestones tbody").textContent(), { timeout: 90_000 })
      .toMatch(/baseline · seed 2completed/)
    const seeds = await page
      .locator("#cmp-gdp")
      .evaluate((el: any) => el.spec.series.map((s: { label: string }) => s.label))
    expect(seeds).toEqual(["baseline · seed 1", "baseline · seed 2"])
    await saveScreenshot(page, "04-compare-seeds")
    expect(errors).toEqual([])
    await page.close()
  })

  it("compares two scenarios by default, with distinct labels and a milestone table", async () => {
    const { page, errors } = await open("/?view=compare&scenario=baseline&seed=3&until=2036")
    // baseline is ticked already (the scenario in the parameters); tick a second one.
    await expect(page.locator('#compare-scenarios input[value="baseline"]').isChecked()).resolves.toBe(true)
    await page.locator('#compare-scenarios input[value="fast-takeoff"]').check()
    await page.locator("#compare-scenarios-run").click()
    await expect.poll(() => page.locator("#compare-milestones tbody tr").count(), { timeout: 90_000 }).toBe(2)
    await expect
      .poll(() => page.locator("#compare-milestones tbody").textContent(), { timeout: 90_000 })
      .not.toMatch(/running/)
    const labels = await page
      .locator("#cmp-ai-share")
      .evaluate((el: any) => el.spec.series.map((s: { label: string }) => s.label))
    expect(labels).toEqual(["baseline · seed 3", "fast-takeoff · seed 3"])
    // The chart's milestone markers carry no text: their dates are in the table, so none overlap.
    const markers = (await probeChart(page, "cmp-ai-share"))!.markers
    expect(markers.length).toBeGreaterThan(0)
    expect(markers.every((m) => m === "")).toBe(true)
    await saveScreenshot(page, "04b-compare-scenarios")
    expect(errors).toEqual([])
    await page.close()
  })

  it("refuses an invalid parameter inline and will not run", async () => {
    const { page, errors } = await open("/?scenario=baseline")
    const input = page.locator("tk-scenario-panel input[data-path]").first()
    await page.locator("tk-scenario-panel details summary").first().click()
    const path = await input.getAttribute("data-path")
    const valid = await input.inputValue()
    await input.fill("not a number")
    await expect(page.locator("tk-scenario-panel .msg").first().textContent()).resolves.toMatch(/is not a number/)
    await expect(input.getAttribute("aria-invalid")).resolves.toBe("true")
    await expect(page.locator("#run").isDisabled()).resolves.toBe(true)
    // The refused value stays in the editor but never goes into the link.
    expect(page.url()).not.toContain(`o.${path}=`)
    await expect(input.inputValue()).resolves.toBe("not a number")
    // A value the editor cannot judge (the server wants an integer) is refused by the server and
    // shown on the field it names. (The first field takes its default back: whichever parameter
    // comes first, its own default is within its bounds.)
    await input.fill(valid)
    await expect.poll(() => page.locator("#run").isDisabled()).toBe(false)
    await page.locator("tk-scenario-panel summary", { hasText: "firms" }).click()
    const firms = page.locator('tk-scenario-panel input[data-path="firms.count"]')
    await firms.fill("10.5")
    await page.locator("#run").click()
    await expect
      .poll(() => page.locator("tk-scenario-panel .msg").allTextContents())
      .toContainEqual(expect.stringMatching(/expected an integer, got 10.5/))
    await expect(firms.getAttribute("aria-invalid")).resolves.toBe("true")
    await saveScreenshot(page, "05-invalid-parameter")
    // A shared URL carries the overrides back into the editor.
    const shared = String(Number((Number(valid) * 1.1).toPrecision(6)))
    await page.goto(`${env.server.url}/?scenario=baseline&seed=4&o.${path}=${shared}`)
    await expect.poll(() => input.inputValue()).toBe(shared)
    await expect(page.locator("#seed").inputValue()).resolves.toBe("4")
    await expect(page.locator("#run").isDisabled()).resolves.toBe(false)
    // The browser logs the refused request itself; nothing else may fail.
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([])
    await page.close()
  })

  it("reconnects after a dropped socket and resumes without gaps", async () => {
    const { page, errors } = await open("/?scenario=baseline&seed=9")
    await page.locator("#run").click()
    await page.getByRole("button", { name: "25×" }).click()
    await expect.poll(async () => (await runStatus(page))?.tick ?? -1, { timeout: 30_000 }).toBeGreaterThan(5)
    await page.evaluate(() => (document.querySelector("takeoff-app") as any).stream.simulateDrop())
    await expect
      .poll(() => page.evaluate(() => (document.querySelector("takeoff-app") as any).stream.reconnects), {
        timeout: 10_000,
      })
      .toBeGreaterThan(0)
    const before = (await runStatus(page))!.tick
    await expect.poll(async () => (await runStatus(page))?.tick ?? -1, { timeout: 30_000 }).toBeGreaterThan(before + 5)
    const gaps = await page.evaluate(() => {
      const t = (document.querySelector("takeoff-app") as any).stream.series.ticks() as Int32Array
      let bad = 0
      for (let i = 1; i < t.length; i++) if (t[i] !== t[i - 1] + 1) bad++
      return { bad, first: t[0] }
    })
    expect(gaps).toEqual({ bad: 0, first: 0 })
    await page.locator("#stop").click()
    expect(errors).toEqual([])
    await page.close()
  })

  it("draws fan charts from a sweep's results file", async () => {
    const years = Array.from({ length: 27 }, (_, i) => 2024 + i)
    const logistic = (y: number, mid: number) => 1 / (1 + Math.exp(-(y - mid) * 0.6))
    const fan = {
      scenario: "baseline",
      runs: 100,
      years,
      metrics: {
        aiShare: {
          p10: years.map((y) => logistic(y, 2036)),
          p50: years.map((y) => logistic(y, 2033)),
          p90: years.map((y) => logistic(y, 2030)),
        },
      },
    }
    const file = join(mkdtempSync(join(tmpdir(), "takeoff-fan-")), "sweep.fan.json")
    writeFileSync(file, JSON.stringify(fan))
    const { page, errors } = await open("/?view=ensemble")
    await page.locator("#fan-file").setInputFiles(file)
    await expect.poll(() => probeChart(page, "fan-aiShare")).toMatchObject({ points: years.length, series: 3 })
    await saveScreenshot(page, "07-ensemble-fan")
    expect(errors).toEqual([])
    await page.close()
  })

  it("fits a phone width on every view: parameters behind a button, chart first, no sideways scroll", async () => {
    const run = await finishedRun(env.server.url, 2, 2040, 90_000)
    const views = [
      ["dashboard", `/?run=${run.id}`],
      ["runs", "/?view=runs"],
      ["compare", `/?view=compare&compare=${run.id}`],
      ["ensemble", "/?view=ensemble"],
    ] as const
    for (const [dark, width] of [
      [false, 1366],
      [true, 390],
    ] as const) {
      const page = await env.browser.newPage({ viewport: { width, height: 844 }, colorScheme: dark ? "dark" : "light" })
      const errors = watchErrors(page)
      for (const [name, path] of views) {
        await page.goto(`${env.server.url}${path}`)
        await page.locator("#scenario").waitFor({ state: "attached" })
        if (name === "runs") await page.locator("tk-runs-view tbody tr").first().waitFor()
        if (name === "dashboard") await page.locator("#scrub").waitFor()
        if (name === "compare")
          await expect.poll(async () => (await probeChart(page, "cmp-ai-share"))?.series ?? 0).toBe(1)
        expect({ name, width, overflow: await sidewaysOverflow(page) }).toEqual({ name, width, overflow: 0 })
        await saveScreenshot(page, `phone-${width}-${name}`)
      }
      const toggle = page.locator("#params-toggle")
      if (width === 390) {
        // The parameters wait behind a button; the chart is the first thing on the page.
        await page.goto(`${env.server.url}/?run=${run.id}`)
        await page.locator("#scrub").waitFor()
        await expect(page.locator("#scenario").isVisible()).resolves.toBe(false)
        await expect(toggle.getAttribute("aria-expanded")).resolves.toBe("false")
        const chartTop = await page.locator("#chart-ai-share").evaluate((el) => el.getBoundingClientRect().top)
        expect(chartTop).toBeLessThan(844)
        // Keyboard: focus the button, Enter opens the parameters, Escape closes them again.
        await toggle.focus()
        await page.keyboard.press("Enter")
        await expect(page.locator("#scenario").isVisible()).resolves.toBe(true)
        await expect(toggle.getAttribute("aria-expanded")).resolves.toBe("true")
        expect(await sidewaysOverflow(page)).toBe(0)
        await saveScreenshot(page, "phone-390-parameters-open")
        await page.keyboard.press("Escape")
        await expect(page.locator("#scenario").isVisible()).resolves.toBe(false)
      } else {
        await expect(toggle.isVisible()).resolves.toBe(false)
        await expect(page.locator("#scenario").isVisible()).resolves.toBe(true)
      }
      expect(errors).toEqual([])
      await page.close()
    }
  })
})
