import { describe, expect, it } from "vitest"
import { formatDuration, formatProgress, Progress } from "./progress.js"

describe("progress", () => {
  it("formats bar, percent, date and rate", () => {
    expect(formatProgress(216, 432, "2041-12", "ticks", 2)).toBe(
      "[############............]  50%  2041-12  216/432 ticks  108 ticks/s  ETA 2s",
    )
    expect(formatProgress(10, 10, "x", "runs", 2)).not.toContain("ETA")
    expect(formatDuration(75)).toBe("1m15s")
    expect(formatDuration(3700)).toBe("1h01m")
    expect(formatProgress(5, 10, "x", "runs", 2)).toContain("2.5 runs/s")
  })

  it("redraws one line on a terminal and prints whole lines elsewhere", () => {
    const tty: string[] = []
    const p = new Progress({ isTTY: true, write: (t) => tty.push(t) }, 10, "ticks")
    p.update(1, "2024-01")
    p.update(2, "2024-02") // within 100 ms: skipped
    p.done(10, "2024-10")
    expect(tty).toHaveLength(3)
    expect(tty[0].startsWith("\r[")).toBe(true)
    expect(tty[1]).toContain("100%  2024-10")
    expect(tty[2]).toBe("\n")
    const plain: string[] = []
    const q = new Progress({ isTTY: false, write: (t) => plain.push(t) }, 10, "ticks", 0)
    q.update(5, "2024-05")
    q.done(10, "2024-10")
    expect(plain.every((l) => l.endsWith("\n") && !l.includes("\r"))).toBe(true)
    expect(plain).toHaveLength(2)
  })
})
