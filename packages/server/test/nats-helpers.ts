// NATS test support shared by the server and CLI tests: whether NATS is there, the suite that
// needs it, and stream prefixes unique to a test with their cleanup.
import * as net from "node:net"
import { jetstreamManager } from "@nats-io/jetstream"
import { connect } from "@nats-io/transport-node"
import { describe, it } from "vitest"

/** The NATS server the tests use (real, with JetStream). */
export const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222"

/** Whether NATS answers at `natsUrl` (a TCP connect within 1.5 s). */
export const natsReachable = (url = natsUrl): Promise<boolean> =>
  new Promise<boolean>((resolve) => {
    const u = new URL(url)
    const s = net.connect({ host: u.hostname, port: Number(u.port || 4222) })
    s.setTimeout(1500)
    const settle = (ok: boolean) => {
      s.destroy()
      resolve(ok)
    }
    s.once("connect", () => settle(true))
    s.once("error", () => settle(false))
    s.once("timeout", () => settle(false))
  })

/** Unique stream prefixes per test (and per process), so parallel tests never share a queue. */
export class StreamPrefixes {
  private readonly used: string[] = []
  next(name: string): string {
    const p = `TKQ${name}${process.pid}x${this.used.length}`
    this.used.push(p)
    return p
  }
  /** Deletes every stream a prefix handed out here created. */
  async cleanup(url = natsUrl): Promise<void> {
    if (this.used.length === 0) return
    const nc = await connect({ servers: url })
    const jsm = await jetstreamManager(nc)
    for await (const si of jsm.streams.list()) {
      if (this.used.some((p) => si.config.name.startsWith(`${p}_`))) await jsm.streams.delete(si.config.name)
    }
    await nc.drain()
  }
}

/** `describe` when NATS is there, else a skip whose name says why (and a failing test on CI). */
export const natsSuite = (reachable: boolean, url = natsUrl) => {
  if (!reachable && process.env.CI === "true") {
    describe("NATS", () => {
      it(`needs NATS with JetStream at ${url} (CI=true)`, () => {
        throw new Error(`NATS is not reachable at ${url}`)
      })
    })
  }
  return reachable ? describe : describe.skip
}
