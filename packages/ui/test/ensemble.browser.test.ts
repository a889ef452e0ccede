import { mkdirSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import type { RunSummary, SweepDetail } from "@takeoff/protocol"
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { launchChromium, type RunningServer, startRealServer, unavailableReason, watchErrors } from "./harness.js"

const reason = await unavailableReason()
if (reason) console.warn(`\n[ensemble browser tests] SKIPPED: ${reason}\n`)

const artifacts = join(dirname(fileURLToPath(import.meta.url)), "artifacts")
const shoot = async (page: Page, name: string) => {
  mkdirSync(artifacts, { recursive: true })
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true })
}
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)

describe.skipIf(reason !== null)("the Ensemble view in Chromium against the real server", () => {
  let server: RunningServer
  let browser: Browser
  beforeAll(async () => {
    server = await startRealServer()
    browser = await launchChromium()
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it("starts a 50-run sweep from the form, fills its histograms, tornado and fan chart, and opens one of its runs", async () => {
    // Given the Ensemble page at laptop width
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const errors = watchErrors(page)
    await page.goto(`${server.url}/?view=ensemble`)
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
    const detail = (await (await fetch(`${server.url}/api/sweeps/${id}`)).json()) as SweepDetail
    await expect.poll(() => page.locator("#sweep-members tbody tr").count(), { timeout: 10_000 }).toBe(50)
    await shoot(page, "ensemble-laptop-1280")
    expect(await overflow(page)).toBe(0)

    // When the same link is opened on a phone
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } })
    const phoneErrors = watchErrors(phone)
    await phone.goto(`${server.url}/#/ensemble/${id}`)
    await expect.poll(() => phone.locator("#sweep").getAttribute("data-status"), { timeout: 10_000 }).toBe("completed")
    await expect.poll(() => histRuns("hist-AGI", phone), { timeout: 10_000 }).toBe(50)
    await phone.locator(".t-row").first().waitFor()
    await phone.locator("#sweep-fan").waitFor()
    // Then nothing scrolls sideways
    expect(await overflow(phone)).toBe(0)
    await shoot(phone, "ensemble-phone-390")
    expect(phoneErrors).toEqual([])
    await phone.close()

    // When the Runs page is opened, the sweep is listed beside the runs, and its link opens it
    const runsPage = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await runsPage.goto(`${server.url}/?view=runs`)
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
          run = (await (await fetch(`${server.url}/api/runs/${runId}`)).json()) as RunSummary
          return run.status
        },
        { timeout: 120_000, interval: 300 },
      )
      .toBe("completed")
    expect(run!.seed).toBe(member.seed)
    expect(run!.milestones.find((m) => m.kind === "agi")?.date ?? null).toBe(member.milestones.AGI)
    await page.locator("#chart-ai-share").waitFor()
    await shoot(page, "ensemble-member-run-1280")
    expect(errors).toEqual([])
    await page.close()
  }, 420_000)

  it("starts a 2 x 2 grid sweep from the form by keyboard, sees it finish with the milestones by parameter value, and links its series", async () => {
    // Given the Ensemble page at laptop width, the grid design chosen
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const errors = watchErrors(page)
    await page.goto(`${server.url}/?view=ensemble`)
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
    await shoot(page, "grid-form-1280")
    expect(await overflow(page)).toBe(0)
    await page.setViewportSize({ width: 390, height: 844 })
    await shoot(page, "grid-form-390")
    expect(await overflow(page)).toBe(0)
    // When it is started
    await page.locator("#sweep-start").focus()
    await page.keyboard.press("Enter")
    await expect.poll(() => page.url(), { timeout: 10_000 }).toMatch(/#\/ensemble\/[a-z0-9]+-[0-9a-f]{8}$/)
    const id = page.url().split("#/ensemble/")[1]
    await expect
      .poll(() => page.locator("#sweep").getAttribute("data-status"), { timeout: 300_000, interval: 500 })
      .toBe("completed")
    // Then each grid point is listed with its levels and its milestone dates, as the API has them
    const detail = (await (await fetch(`${server.url}/api/sweeps/${id}`)).json()) as SweepDetail
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
      const res = await fetch(new URL(href!, server.url))
      expect(res.status).toBe(200)
      expect(res.headers.get("content-type")).toMatch(type)
    }
    expect(await overflow(page)).toBe(0)
    await shoot(page, "grid-result-390")
    await page.locator("#grid-card").screenshot({ path: join(artifacts, "grid-card-390.png") })

    // When a one-at-a-time sweep (one distribution, one range: 5 rows) is opened by its link
    const oat = await fetch(`${server.url}/api/sweeps`, {
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
    await page.goto(`${server.url}/#/ensemble/${oatId}`)
    await expect
      .poll(() => page.locator("#sweep").getAttribute("data-status"), { timeout: 120_000, interval: 500 })
      .toBe("completed")
    // Then each parameter is listed with its two ends, on a phone without scrolling sideways
    await expect.poll(() => page.locator("#oat-effects tbody tr").count(), { timeout: 10_000 }).toBe(2)
    const saving = page.locator('#oat-effects tr[data-path="macro.savingRate"] td')
    expect((await saving.allTextContents()).slice(0, 3)).toEqual(["macro.savingRate", "0.2", "0.3"])
    expect(await overflow(page)).toBe(0)
    await page.locator("#oat-card").screenshot({ path: join(artifacts, "oat-result-390.png") })
    expect(errors).toEqual([])
    await page.close()
  }, 360_000)
})
