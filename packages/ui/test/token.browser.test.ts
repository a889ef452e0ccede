import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Browser } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { launchChromium, uiDir, unavailableReason } from "./harness.js"

const reason = await unavailableReason()
if (reason) console.warn(`\n[token browser tests] SKIPPED: ${reason}\n`)

/** The server's token: what `takeoff serve --token` would be given. */
const TOKEN = "test-token-0123456789abcdef"

describe.skipIf(reason !== null)("the UI against a server that needs its token for reads, in Chromium", () => {
  let url = ""
  let close: () => Promise<void> = async () => {}
  let browser: Browser
  const dataDir = mkdtempSync(join(tmpdir(), "takeoff-ui-token-"))
  beforeAll(async () => {
    const { startServer } = await import("@takeoff/server")
    // A loopback server that requires the token for reads and streams too, as one bound off
    // loopback (or behind a public proxy, --token-for-reads) does.
    const srv = await startServer({ port: 0, dataDir, uiDir, token: TOKEN, tokenForReads: true })
    url = srv.url.replace(/\/$/, "")
    close = () => srv.close()
    browser = await launchChromium()
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it("asks for the token, refuses a wrong one, keeps the right one in the tab (not the URL), then runs and streams", async () => {
    // Given the dashboard opened with no token
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await page.goto(`${url}/`)
    // Then the server's 401 shows as a form asking for the token, with the server's reason
    await page.locator("#token-form").waitFor({ timeout: 20_000 })
    expect(await page.locator("#token-form").textContent()).toMatch(
      /needs its access token[\s\S]*Authorization: Bearer/,
    )
    // When a wrong token is given, the form comes back saying the tab's token was refused
    await page.locator("#token-input").fill("not-the-token-at-all")
    await page.locator("#token-form button").click()
    await expect.poll(() => page.locator("#token-form").textContent(), { timeout: 20_000 }).toMatch(/was refused/)
    // When the right one is given, the scenarios load and the form is gone
    await page.locator("#token-input").fill(TOKEN)
    await page.locator("#token-form button").click()
    await expect.poll(() => page.locator("#scenario option").count(), { timeout: 20_000 }).toBeGreaterThan(1)
    expect(await page.locator("#token-form").count()).toBe(0)
    expect(page.url()).not.toContain(TOKEN)
    // And a run started from the form streams its ticks over the WebSocket (which sends the token as ?token=)
    const sockets: string[] = []
    page.on("websocket", (ws) => sockets.push(ws.url()))
    await page.locator("#scenario").selectOption("baseline")
    await page.locator("#until").fill("2025")
    await page.locator("#until").dispatchEvent("change")
    await page.locator("#run").click()
    await expect
      .poll(() => page.evaluate(() => (document.querySelector("takeoff-app") as any).stream.status), {
        timeout: 90_000,
      })
      .toBe("done")
    const lastTick = await page.evaluate(() => (document.querySelector("takeoff-app") as any).stream.series.lastTick)
    expect(lastTick).toBe(23)
    expect(sockets.some((u) => /\/api\/runs\/[^/]+\/stream\?from=\d+&token=/.test(u))).toBe(true)
  })

  it("takes a token handed over in a link out of the address bar; the runs list loads and its log link downloads", async () => {
    // Given a link that carries the token
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await page.goto(`${url}/?view=runs&token=${TOKEN}`)
    // Then the address bar no longer shows it, and the runs list (a read) loads with it
    await expect.poll(() => page.url()).not.toContain("token=")
    expect(page.url()).toContain("view=runs")
    const log = page.locator("a[download]", { hasText: "log" }).first()
    await log.waitFor({ timeout: 20_000 })
    // And the log link, which cannot send a header, carries the token and downloads; without it the server refuses
    const href = (await log.getAttribute("href"))!
    expect(href).toContain(`token=${TOKEN}`)
    const statuses = await page.evaluate(
      async (h) => [(await fetch(h)).status, (await fetch(h.replace(/[?&]token=[^&]*/, ""))).status],
      href,
    )
    expect(statuses).toEqual([200, 401])
    // And a change cannot be made with the token in the URL alone (only with the header)
    const post = await page.evaluate(
      async (t) =>
        (
          await fetch(`/api/runs?token=${t}`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ scenario: "baseline", seed: 1, untilYear: 2025 }),
          })
        ).status,
      TOKEN,
    )
    expect(post).toBe(401)
  })
})
