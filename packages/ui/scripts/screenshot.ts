/**
 * Regenerates docs/screenshot.png: the live dashboard of a baseline run, caught while it streams
 * past ASI, against the real server in Chromium. Usage: npm run screenshot -w @takeoff/ui
 */
import { resolve } from "node:path"
import { launchChromium, startRealServer, uiDir, unavailableReason } from "../test/harness.js"

const reason = await unavailableReason()
if (reason) {
  console.error(`screenshot: ${reason}`)
  process.exit(1)
}
const out = resolve(uiDir, "../../../docs/screenshot.png")
const server = await startRealServer()
const browser = await launchChromium()
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1180 }, colorScheme: "light" })
  await page.goto(`${server.url}/?scenario=baseline&seed=7`)
  await page.locator("#scenario").waitFor()
  await page.getByRole("button", { name: "25×" }).waitFor()
  await page.locator("#run").click()
  await page.getByRole("button", { name: "25×" }).click()
  // Late enough that AGI, ASI and post-scarcity are on the chart, while the run is still going.
  await page.waitForFunction(
    () => ((document.querySelector("takeoff-app") as any)?.stream.series.lastTick ?? 0) >= 12 * 32,
    undefined,
    { timeout: 120_000, polling: 50 },
  )
  await page.waitForTimeout(200)
  await page.screenshot({ path: out })
  console.log(`wrote ${out}`)
} finally {
  await browser.close()
  await server.close()
}
