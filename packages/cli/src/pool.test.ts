import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { describe, expect, it } from "vitest"
import { runPool } from "./pool.js"

// A plain-JS worker: squares its task after a pseudo-random busy wait so completion order shuffles.
const WORKER = `
import { parentPort, workerData } from "node:worker_threads"
parentPort.on("message", ({ index, task }) => {
  if (task === "boom") return parentPort.postMessage({ index, ok: false, error: "boom" })
  const until = Date.now() + ((task * 7) % 5)
  while (Date.now() < until) {}
  parentPort.postMessage({ index, ok: true, result: task * task + workerData.offset })
})
`

describe("runPool", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pool-"))
  const file = path.join(dir, "worker.mjs")
  fs.writeFileSync(file, WORKER)
  const workerUrl = pathToFileURL(file)
  const tasks = Array.from({ length: 40 }, (_, i) => i)

  it("returns results in task order whatever the worker count", async () => {
    const expected = tasks.map((t) => t * t + 1)
    for (const workers of [1, 2, 3]) {
      const seen: number[] = []
      const { results, done } = await runPool<number, number>({
        workerUrl,
        init: { offset: 1 },
        tasks,
        workers,
        onResult: (i) => seen.push(i),
      })
      expect(results).toEqual(expected)
      expect(done).toBe(40)
      expect([...seen].sort((a, b) => a - b)).toEqual(tasks)
    }
  })

  it("stops handing out tasks when asked, and rejects on a failed task", async () => {
    let n = 0
    const { done } = await runPool<number, number>({
      workerUrl,
      init: { offset: 0 },
      tasks,
      workers: 2,
      onResult: () => n++,
      shouldStop: () => n >= 5,
    })
    expect(done).toBeLessThan(10)
    await expect(
      runPool<unknown, number>({ workerUrl, init: { offset: 0 }, tasks: [1, "boom", 3], workers: 2 }),
    ).rejects.toThrow("run 1: boom")
  })
})
