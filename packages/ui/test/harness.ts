import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import type { RunSummary } from "@takeoff/protocol"
import { type Browser, chromium, type Page } from "playwright-core"
import { afterAll, beforeAll, expect } from "vitest"

const here = dirname(fileURLToPath(import.meta.url))
export const uiDir = resolve(here, "../dist")
export const artifactsDir = resolve(here, "../artifacts")
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
export const isCi = process.env.CI === "true"

/** Flags for headless Chromium in a container: no sandbox, GPU or background services. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
]

export interface RunningServer {
  readonly url: string
  close(): Promise<void>
}

/**
 * Why the browser suite cannot run here, or null when it can. Chromium missing under CI is not a
 * reason to skip: the suite then fails instead (see the test file).
 */
export const unavailableReason = async (): Promise<string | null> => {
  if (!existsSync(chromiumPath))
    return `Chromium not found at ${chromiumPath} (set CHROMIUM_PATH or apt-get install chromium)`
  if (!existsSync(join(uiDir, "index.html"))) return `UI not built: ${uiDir}/index.html missing (run npm run build)`
  const mod = (await import("@takeoff/server").catch(() => null)) as Record<string, unknown> | null
  if (typeof mod?.startServer !== "function") return "@takeoff/server does not export startServer"
  return null
}

/** Starts the real server on port 0 with a fresh data directory, serving the built UI. */
export const startRealServer = async (): Promise<RunningServer> => {
  const { startServer } = (await import("@takeoff/server")) as unknown as {
    startServer: (o: { port: number; dataDir: string; uiDir: string; host?: string }) => Promise<Record<string, any>>
  }
  const dataDir = mkdtempSync(join(tmpdir(), "takeoff-ui-"))
  const srv = await startServer({ port: 0, dataDir, uiDir })
  const url: string = srv.url ?? `http://127.0.0.1:${srv.port}`
  return {
    url: url.replace(/\/$/, ""),
    close: async () => {
      await (srv.close ?? srv.stop)?.call(srv)
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS, headless: true })

/** The real server and Chromium a describe block's tests share. */
export interface ServerAndBrowser {
  readonly server: RunningServer
  readonly browser: Browser
}

/**
 * Starts the real server and Chromium before the enclosing describe block's tests and closes both
 * after them. Read the fields inside the tests (they are set in `beforeAll`).
 *
 * @example
 * const env = useServerAndBrowser()
 * it("opens", async () => (await env.browser.newPage()).goto(env.server.url))
 */
export const useServerAndBrowser = (): ServerAndBrowser => {
  const env = {} as { server: RunningServer; browser: Browser }
  beforeAll(async () => {
    env.server = await startRealServer()
    env.browser = await launchChromium()
  }, 60_000)
  afterAll(async () => {
    await env.browser?.close()
    await env.server?.close()
  })
  return env
}

/**
 * Starts a baseline run at full speed through the API and waits up to `timeoutMs` for it to complete.
 *
 * @example
 * const run = await finishedRun(env.server.url, 7, 2060, 240_000)
 */
export const finishedRun = async (
  url: string,
  seed: number,
  untilYear: number,
  timeoutMs: number,
): Promise<RunSummary> => {
  const res = await fetch(`${url}/api/runs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ scenario: "baseline", seed, untilYear, ticksPerSecond: null }),
  })
  expect(res.status).toBe(201)
  let run = (await res.json()) as RunSummary
  const deadline = Date.now() + timeoutMs
  while (run.status !== "completed" && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200))
    run = (await (await fetch(`${url}/api/runs/${run.id}`)).json()) as RunSummary
  }
  expect(run.status).toBe("completed")
  return run
}

/** How far a page scrolls sideways (0: it fits its viewport's width). */
export const sidewaysOverflow = (page: Page): Promise<number> =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)

/** Saves a full-page screenshot as a test artifact and returns its path. */
export const saveScreenshot = async (page: Page, name: string): Promise<string> => {
  mkdirSync(artifactsDir, { recursive: true })
  const path = join(artifactsDir, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}

/** Collects page errors so a test can assert the app ran without uncaught exceptions. */
export const watchErrors = (page: Page): string[] => {
  const errors: string[] = []
  page.on("pageerror", (e) => errors.push(e.message))
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text())
  })
  return errors
}
