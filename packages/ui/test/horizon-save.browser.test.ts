import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import economyKit from "@takeoff/agents/kit"
import { describe, expect, it } from "vitest"
import {
  artifactsDir,
  finishedRun,
  saveScreenshot,
  unavailableReason,
  useServerAndBrowser,
  watchErrors,
} from "./harness.js"

const reason = await unavailableReason()
if (reason) console.warn(`\n[ui browser tests] SKIPPED: ${reason}\n`)

/** The charts' x range as the app hands it to them (decimal years). */
const rangeOf = (page: import("playwright-core").Page, id: string) =>
  page.locator(`#${id}`).evaluate((el: any) => (el.xRange ? [el.xRange[0], el.xRange[1]] : null))

describe.skipIf(reason !== null)("default horizon and Save as scenario, in Chromium against the real server", () => {
  const env = useServerAndBrowser()

  it("opens a finished run framed from 4 years before AGI to 6 after ASI, and shows the whole run on request", async () => {
    const run = await finishedRun(env.server.url, 7, 2060, 240_000)
    const agi = run.milestones.find((m) => m.kind === "agi")!
    const asi = run.milestones.find((m) => m.kind === "asi")!
    const year = (d: string) => Number(d.slice(0, 4)) + (Number(d.slice(5, 7)) - 1) / 12
    for (const [width, height, name] of [
      [1280, 900, "10-horizon-1280"],
      [390, 844, "11-horizon-390"],
    ] as const) {
      const page = await env.browser.newPage({ viewport: { width, height } })
      const errors = watchErrors(page)
      await page.goto(`${env.server.url}/?run=${run.id}`)
      await page.locator("#scrub").waitFor({ timeout: 30_000 })
      await expect.poll(() => rangeOf(page, "chart-ai-share"), { timeout: 20_000 }).not.toBeNull()
      const [lo, hi] = (await rangeOf(page, "chart-ai-share"))!
      expect(lo).toBeCloseTo(year(agi.date) - 4, 6)
      expect(hi).toBeCloseTo(year(asi.date) + 6, 6)
      // Every chart shares the frame.
      expect(await rangeOf(page, "chart-gdp")).toEqual([lo, hi])
      await saveScreenshot(page, name)
      await page.screenshot({ path: join(artifactsDir, `${name}-top.png`) })
      await page.locator("#horizon").click()
      await expect.poll(async () => (await rangeOf(page, "chart-ai-share"))![0]).toBeCloseTo(2024, 6)
      const whole = (await rangeOf(page, "chart-ai-share"))!
      expect(whole[1]).toBeGreaterThanOrEqual(2060 + 11 / 12 - 1e-9)
      await expect(page.locator("#horizon").textContent()).resolves.toContain("Frame AGI–ASI")
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      expect(sideways).toBeLessThanOrEqual(0)
      expect(errors).toEqual([])
      await page.close()
    }
  }, 300_000)

  it("frames a live run once it reaches AGI: 4 years before it to the run's end", async () => {
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } })
    const errors = watchErrors(page)
    await page.goto(`${env.server.url}/?scenario=baseline&seed=7&until=2033`)
    await page.locator("#scenario").waitFor()
    await expect.poll(() => page.locator("#scenario-desc").textContent()).not.toBe("")
    await page.locator("#run").click()
    await expect
      .poll(() => page.evaluate(() => (document.querySelector("takeoff-app") as any).stream.status), {
        timeout: 120_000,
      })
      .toBe("done")
    const agi = await page.evaluate(
      () =>
        (document.querySelector("takeoff-app") as any).stream.milestones.find((m: { kind: string }) => m.kind === "agi")
          ?.date as string,
    )
    expect(agi).toMatch(/^20\d\d-\d\d$/)
    const agiYear = Number(agi.slice(0, 4)) + (Number(agi.slice(5, 7)) - 1) / 12
    await expect.poll(async () => (await rangeOf(page, "chart-ai-share"))?.[0]).toBeCloseTo(agiYear - 4, 6)
    const [, hi] = (await rangeOf(page, "chart-ai-share"))!
    expect(hi).toBeCloseTo(2033 + 11 / 12, 6)
    expect(errors).toEqual([])
    await page.close()
  }, 180_000)

  it("saves edited parameters as a YAML scenario that extends the base and loads back to the same values", async () => {
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 900 } })
    const errors = watchErrors(page)
    await page.goto(`${env.server.url}/?scenario=baseline`)
    await page.locator("#scenario").waitFor()
    await expect.poll(() => page.locator("#scenario-desc").textContent()).not.toBe("")
    // The parameters may sit behind a button at narrow widths; at 1280 px they are in the sidebar.
    await expect(page.locator("#save-scenario").isDisabled()).resolves.toBe(true)
    const mfu = page.locator('input[data-path="ai.mfu"]')
    await mfu.evaluate((el: HTMLInputElement) => {
      el.closest("details")!.open = true
    })
    await mfu.fill("0.5")
    await page.locator("#save-scenario").click()
    await page.locator("#save-name").fill("faster-chips")
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#save-download").click()])
    expect(download.suggestedFilename()).toBe("faster-chips.yaml")
    const yaml = readFileSync((await download.path())!, "utf8")
    expect(yaml).toMatch(/^extends: baseline$/m)
    expect(yaml).toMatch(/^ {4}mfu: \{ value: 0\.5, assumption: true, note: "TODO: /m)
    await expect(page.locator("#save-yaml").textContent()).resolves.toBe(yaml)
    await saveScreenshot(page, "12-save-scenario")
    await page.locator("#save-form").screenshot({ path: join(artifactsDir, "12-save-scenario-form.png") })
    // Round trip: the file goes through the scenario loader `takeoff run` uses, to the values the UI ran with.
    const dir = mkdtempSync(join(tmpdir(), "takeoff-ui-save-"))
    const file = join(dir, "faster-chips.yaml")
    writeFileSync(file, yaml)
    expect(economyKit.scenarios.load(file).values).toEqual(
      economyKit.scenarios.load("baseline", { "ai.mfu": 0.5 }).values,
    )
    expect(errors).toEqual([])
    await page.close()

    // At a phone's width the same form sits behind the Parameters button and scrolls nothing sideways.
    const phone = await env.browser.newPage({ viewport: { width: 390, height: 844 } })
    const phoneErrors = watchErrors(phone)
    await phone.goto(`${env.server.url}/?scenario=baseline&o.ai.mfu=0.5`)
    await phone.locator("#params-toggle").click()
    await phone.locator("#save-scenario").click()
    await Promise.all([phone.waitForEvent("download"), phone.locator("#save-download").click()])
    await phone.locator("#save-yaml").waitFor()
    const sideways = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(sideways).toBeLessThanOrEqual(0)
    await phone.locator("#save-form").screenshot({ path: join(artifactsDir, "13-save-scenario-390.png") })
    expect(phoneErrors).toEqual([])
    await phone.close()
  }, 180_000)
})
