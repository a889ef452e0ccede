import { join } from "node:path"
import type { RunSummary, SweepDetail, SweepServerMessage } from "@takeoff/protocol"
import type { Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import {
  artifactsDir,
  saveScreenshot,
  sidewaysOverflow,
  unavailableReason,
  useServerAndBrowser,
  watchErrors,
} from "./harness.js"

const reason = await unavailableReason()
if (reason) console.warn(`\n[ensemble browser tests] SKIPPED: ${reason}\n`)

describe.skipIf(reason !== null)("the Ensemble view in Chromium against the real server", () => {
  const env = useServerAndBrowser()

  it("starts a 50-run sweep from the form, fills its histograms, tornado and fan chart, and opens one of its runs", async () => {
    // Given the Ensemble page at laptop width
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } })
    const errors = watchErrors(page)
    // (every progress message the page's sweep WebSockets receive)
    const pushed: SweepServerMessage[] = []
    page.on("websocket", (ws) => {
      if (/\/api\/sweeps\/[^/]+\/stream$/.test(ws.url()))
        ws.on("framereceived", (f) => pushed.push(JSON.parse(String(f.payload))))
    })
    await page.goto(`${env.server.url}/?view=ensemble`)
    await page.locator("#sweep-runs").waitFor()
    // When a 50-run sweep of the baseline to 2027 is started from the form
    await page.locator("#sweep-runs").fill("50")
    await page.locator("#sweep-runs").dispatchEvent("change")
    await page.locator("#sweep-until").fill("2027")
    await page.locator("#sweep-until").dispatchEvent("change")
    await page.locator("#sweep-design").selectOption("lhs")
    await page.locator("#sweep-start").click()
    // Then its link is in the address bar and its progress fills while it runs
    await expect.poll(() => page.url(), { timeout: 10_000 }).toMatch(/#\/ensemble\/[a-z0-9]+-[0-9a-f]{8}$/)
    const id = page.url().split("#/ensemble/")[1]
    await expect
      .poll(() => page.locator("#sweep-progress").evaluate((el) => (el as HTMLProgressElement).value), {
        timeout: 120_000,
        interval: 200,
      })
      .toBeGreaterThan(0)
    await expect
      .poll(() => page.locator("#sweep").getAttribute("data-status"), { timeout: 300_000, interval: 500 })
      .toBe("completed")
    expect(await page.locator("#sweep-progress").evaluate((el) => (el as HTMLProgressElement).value)).toBe(50)
    // And its progress was pushed over its WebSocket, each count in order, to 50 and completed
    const counts = pushed.map((m) => (m.type === "progress" ? m.summary.done : -1))
    expect(
      counts.every((n, i) => i === 0 || n - counts[i - 1] === 0 || n - counts[i - 1] === 1),
      `${counts}`,
    ).toBe(true)
    const lastPushed = pushed[pushed.length - 1]
    expect(lastPushed).toMatchObject({ type: "progress", summary: { id, status: "completed", done: 50 } })
    // And the histograms hold all 50 runs (a bar per year reached, a hatched one for not by 2027)
    const histRuns = (hist: string, p: Page = page) =>
      p
        .locator(`#${hist} rect.bar title`)
        .evaluateAll((ts) => ts.reduce((n, t) => n + Number(/: (\d+) runs/.exec(t.textContent ?? "")?.[1] ?? 0), 0))
    await expect.poll(() => histRuns("hist-AGI"), { timeout: 10_000 }).toBe(50)
    expect(await histRuns("hist-ASI")).toBe(50)
    // And the tornado ranks parameters by their rho with the AGI date, the largest first
    const rhos = await page.locator(".t-row .t-val").allTextContents()
    expect(rhos.length).toBeGreaterThan(3)
    const abs = rhos.map((r) => Math.abs(Number(r)))
    expect(abs).toEqual([...abs].sort((a, b) => b - a))
    // And the fan chart of the metric picked has a point per year, 2024 to 2027
    await page.locator("#fan-metric").selectOption("gdpUsd")
    await expect
      .poll(
        () => page.locator("#sweep-fan").evaluate((el: any) => ({ x: el.data?.[0]?.length, series: el.data?.length })),
        { timeout: 10_000 },
      )
      .toEqual({ x: 4, series: 4 })
    // And the table lists every run with its milestone dates, as the API has them
    const detail = (await (await fetch(`${env.server.url}/api/sweeps/${id}`)).json()) as SweepDetail
    await expect.poll(() => page.locator("#sweep-members tbody tr").count(), { timeout: 10_000 }).toBe(50)
    await saveScreenshot(page, "ensemble-laptop-1280")
    expect(await sidewaysOverflow(page)).toBe(0)

    // When the same link is opened on a phone
    const phone = await env.browser.newPage({ viewport: { width: 390, height: 844 } })
    const phoneErrors = watchErrors(phone)
    await phone.goto(`${env.server.url}/#/ensemble/${id}`)
    await expect.poll(() => phone.locator("#sweep").getAttribute("data-status"), { timeout: 10_000 }).toBe("completed")
    await expect.poll(() => histRuns("hist-AGI", phone), { timeout: 10_000 }).toBe(50)
    await phone.locator(".t-row").first().waitFor()
    await phone.locator("#sweep-fan").waitFor()
    // Then nothing scrolls sideways
    expect(await sidewaysOverflow(phone)).toBe(0)
    await saveScreenshot(phone, "ensemble-phone-390")
    expect(phoneErrors).toEqual([])
    await phone.close()

    // When the Runs page is opened, the sweep is listed beside the runs, and its link opens it
    const runsPage = await env.browser.newPage({ viewport: { width: 1280, height: 900 } })
    await runsPage.goto(`${env.server.url}/?view=runs`)
    await runsPage.locator(`#runs-sweeps a[href="#/ensemble/${id}"]`).click()
    await expect
      .poll(() => runsPage.locator("#sweep").getAttribute("data-status"), { timeout: 10_000 })
      .toBe("completed")
    await runsPage.close()

    // When one run of the ensemble is opened
    const member = detail.members.find((m) => m.index === 7)!
    await page.locator('#sweep-members tr[data-member="7"] button.open').click()
    // Then it is rerun as an ordinary run with the member's seed, which reaches AGI when the member did
    await expect.poll(() => page.url(), { timeout: 10_000 }).toMatch(/run=/)
    const runId = new URL(page.url()).searchParams.get("run")!
    let run: RunSummary | undefined
    await expect
      .poll(
        async () => {
          run = (await (await fetch(`${env.server.url}/api/runs/${runId}`)).json()) as RunSummary
          return run.status
        },
        { timeout: 120_000, interval: 300 },
      )
      .toBe("completed")
    expect(run!.seed).toBe(member.seed)
    expect(run!.milestones.find((m) => m.kind === "agi")?.date ?? null).toBe(member.milestones.AGI)
    await page.locator("#chart-ai-share").waitFor()
    await saveScreenshot(page, "ensemble-member-run-1280")
    expect(errors).toEqual([])
    await page.close()
  }, 420_000)

  it("starts a 2 x 2 grid sweep from the form by keyboard, sees it finish with the milestones by parameter value, and links its series", async () => {
    // Given the Ensemble page at laptop width, the grid design chosen
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } })
    const errors = watchErrors(page)
    await page.goto(`${env.server.url}/?view=ensemble`)
    await page.locator("#sweep-design").waitFor()
    await page.locator("#sweep-until").fill("2026")
    await page.locator("#sweep-until").dispatchEvent("change")
    await page.locator("#sweep-design").selectOption("grid")
    // When two parameters get two levels each (from, to and levels; values typed), the second added from the keyboard
    const axis = async (i: number, path: string, lo: string, hi: string) => {
      const row = page.locator(`[data-axis="${i}"]`)
      await row.locator("select").selectOption(path)
      for (const [label, v] of [
        ["From", lo],
        ["To", hi],
        ["Levels", "2"],
      ]) {
        const input = row.getByLabel(`${label} (parameter ${i + 1})`)
        await input.focus()
        await input.fill(v)
        await page.keyboard.press("Tab")
      }
    }
    await axis(0, "ai.mfu", "0.3", "0.5")
    await page.locator("#axis-add").focus()
    await page.keyboard.press("Enter")
    // The second by its values typed, a mistyped list first: no runs until it reads as numbers
    await page.locator('[data-axis="1"] select').selectOption("macro.savingRate")
    const values = page.getByLabel("Values (parameter 2)")
    await values.fill("0.2, x")
    await page.keyboard.press("Tab")
    await expect.poll(() => page.locator("#sweep-count").textContent()).toBe("0 runs")
    expect(await page.locator("#sweep-start").isDisabled()).toBe(true)
    await values.fill("0.2, 0.3")
    await page.keyboard.press("Tab")
    // Then the form says how many runs the grid makes, and fits a laptop and a phone without scrolling sideways
    await expect.poll(() => page.locator("#sweep-count").textContent()).toBe("4 runs")
    expect(await page.locator("#sweep-runs").inputValue()).toBe("1")
    await saveScreenshot(page, "grid-form-1280")
    expect(await sidewaysOverflow(page)).toBe(0)
    await page.setViewportSize({ width: 390, height: 844 })
    await saveScreenshot(page, "grid-form-390")
    expect(await sidewaysOverflow(page)).toBe(0)
    // When it is started
    await page.locator("#sweep-start").focus()
    await page.keyboard.press("Enter")
    await expect.poll(() => page.url(), { timeout: 10_000 }).toMatch(/#\/ensemble\/[a-z0-9]+-[0-9a-f]{8}$/)
    const id = page.url().split("#/ensemble/")[1]
    await expect
      .poll(() => page.locator("#sweep").getAttribute("data-status"), { timeout: 300_000, interval: 500 })
      .toBe("completed")
    // Then each grid point is listed with its levels and its milestone dates, as the API has them
    const detail = (await (await fetch(`${env.server.url}/api/sweeps/${id}`)).json()) as SweepDetail
    expect(detail.summary).toMatchObject({ design: "grid", total: 4, done: 4 })
    const rows = page.locator("#grid-points tbody tr")
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(4)
    const cells = await rows.evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent?.trim())),
    )
    expect(cells.map((c) => c.slice(0, 2))).toEqual([
      ["0.3", "0.2"],
      ["0.3", "0.3"],
      ["0.5", "0.2"],
      ["0.5", "0.3"],
    ])
    expect(cells.map((c) => c[2])).toEqual(detail.grid!.map((p) => p.milestones.AGI ?? "not by 2026"))
    // And the series download links answer with CSV and Parquet
    for (const [link, type] of [
      ["#series-csv", /^text\/csv/],
      ["#series-parquet", /^application\/vnd\.apache\.parquet/],
      ["#series-metric-csv", /^text\/csv/],
    ] as const) {
      const href = await page.locator(link).getAttribute("href")
      const res = await fetch(new URL(href!, env.server.url))
      expect(res.status).toBe(200)
      expect(res.headers.get("content-type")).toMatch(type)
    }
    expect(await sidewaysOverflow(page)).toBe(0)
    await saveScreenshot(page, "grid-result-390")
    await page.locator("#grid-card").screenshot({ path: join(artifactsDir, "grid-card-390.png") })

    // When a one-at-a-time sweep (one distribution, one range: 5 rows) is opened by its link
    const oat = await fetch(`${env.server.url}/api/sweeps`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        scenario: "baseline",
        runs: 1,
        design: "oat",
        untilYear: 2024,
        sample: ["ai.flopGapScale"],
        vary: [{ path: "macro.savingRate", lo: 0.2, hi: 0.3 }],
        overrides: { "firms.count": 200 },
      }),
    })
    expect(oat.status).toBe(201)
    const oatId = ((await oat.json()) as { id: string }).id
    await page.goto(`${env.server.url}/#/ensemble/${oatId}`)
    await expect
      .poll(() => page.locator("#sweep").getAttribute("data-status"), { timeout: 120_000, interval: 500 })
      .toBe("completed")
    // Then each parameter is listed with its two ends, on a phone without scrolling sideways
    await expect.poll(() => page.locator("#oat-effects tbody tr").count(), { timeout: 10_000 }).toBe(2)
    const saving = page.locator('#oat-effects tr[data-path="macro.savingRate"] td')
    expect((await saving.allTextContents()).slice(0, 3)).toEqual(["macro.savingRate", "0.2", "0.3"])
    expect(await sidewaysOverflow(page)).toBe(0)
    await page.locator("#oat-card").screenshot({ path: join(artifactsDir, "oat-result-390.png") })
    expect(errors).toEqual([])
    await page.close()
  }, 360_000)
  it("resumes a stopped sweep with its Resume button, and polls when its WebSocket drops", async () => {
    // Given a stopped sweep (it never ran: stopped while queued behind a long one)
    const post = async (route: string, body: unknown) =>
      (await fetch(`${env.server.url}${route}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then((r) => r.json())) as { id: string; status: string }
    const remove = (id: string) =>
      fetch(`${env.server.url}/api/sweeps/${id}`, { method: "DELETE" }).then((r) => r.json())
    const blocker = await post("/api/sweeps", {
      scenario: "baseline",
      runs: 400,
      untilYear: 2040,
      sample: ["ai.flopGapScale"],
    })
    const small = await post("/api/sweeps", { scenario: "baseline", runs: 4, seed: 5, untilYear: 2025 })
    expect(small.status).toBe("queued")
    expect((await remove(small.id)).summary).toMatchObject({ status: "stopped", done: 0 })
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } })
    const errors = watchErrors(page)
    await page.goto(`${env.server.url}/#/ensemble/${small.id}`)
    await expect.poll(() => page.locator("#sweep").getAttribute("data-status"), { timeout: 10_000 }).toBe("stopped")
    await saveScreenshot(page, "ensemble-stopped-resume-1280")
    // With no run finished, it says so instead of a milestone table of 0% and "not by"
    expect(await page.locator("#sweep-no-results").isVisible()).toBe(true)
    // When Resume is pressed, it is queued behind the long sweep and followed over its WebSocket
    await page.locator("#sweep-resume").click()
    await expect.poll(() => page.locator("#sweep").getAttribute("data-status"), { timeout: 10_000 }).toBe("queued")
    const following = () => page.evaluate(() => (document.querySelector("takeoff-app") as any).ensemble.following)
    await expect.poll(following, { timeout: 10_000 }).toBe("stream")
    // When its socket drops while it waits, the page polls instead
    await page.evaluate(() => (document.querySelector("takeoff-app") as any).ensemble.simulateDrop())
    await expect.poll(following, { timeout: 10_000 }).toBe("poll")
    // Then, the long sweep stopped, the resumed one runs to the end and the page shows it done
    expect((await remove(blocker.id)).summary.status).toBe("stopped")
    await expect
      .poll(() => page.locator("#sweep").getAttribute("data-status"), { timeout: 120_000, interval: 300 })
      .toBe("completed")
    expect(await page.locator("#sweep-progress").evaluate((el) => (el as HTMLProgressElement).value)).toBe(4)
    expect(await page.locator("#sweep-resume").count()).toBe(0)
    expect(await page.locator("#sweep-no-results").count()).toBe(0)
    expect(await page.locator("#sweep table.stack tbody tr").count()).toBeGreaterThan(0)
    expect(await following()).toBe("none")
    expect(errors).toEqual([])
    await page.close()
  }, 180_000)
})
