import * as net from "node:net"
import { runStoreConformance } from "@takeoff/core/testing"
import { jetstreamManager } from "@nats-io/jetstream"
import { connect } from "@nats-io/transport-node"
import { afterAll, describe, it } from "vitest"
import { natsStoreLayer } from "./store.js"

const url = process.env.NATS_URL ?? "nats://127.0.0.1:4222"

/** Is a NATS server listening? Under CI=true a missing one is a failure, elsewhere a visible skip. */
const reachable = await new Promise<boolean>((resolve) => {
  const u = new URL(url)
  const s = net.connect({ host: u.hostname, port: Number(u.port || 4222) })
  s.setTimeout(1500)
  s.once("connect", () => {
    s.destroy()
    resolve(true)
  })
  s.once("error", () => resolve(false))
  s.once("timeout", () => {
    s.destroy()
    resolve(false)
  })
})

if (reachable) {
  // A prefix per test process keeps runs of parallel or earlier test processes apart.
  const prefix = `TKTEST${process.pid}`
  runStoreConformance("nats", () => natsStoreLayer({ servers: url, prefix }))
  afterAll(async () => {
    const nc = await connect({ servers: url })
    const jsm = await jetstreamManager(nc)
    for await (const si of jsm.streams.list()) {
      if (si.config.name.startsWith(`${prefix}_`)) await jsm.streams.delete(si.config.name)
    }
    await nc.drain()
  })
} else if (process.env.CI === "true") {
  describe("EventStore conformance: nats", () => {
    it(`needs NATS with JetStream at ${url} (CI=true)`, () => {
      throw new Error(`NATS is not reachable at ${url}; CI must provide it (set NATS_URL to point elsewhere)`)
    })
  })
} else {
  describe.skip(`EventStore conformance: nats (skipped: no NATS at ${url}; set NATS_URL)`, () => {
    it("runs against a real NATS server", () => {})
  })
}
