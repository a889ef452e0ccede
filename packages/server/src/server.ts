import * as fs from "node:fs"
import * as os from "node:os"
import type { Server } from "node:http"
import type { AddressInfo } from "node:net"
import * as path from "node:path"
import { createAdaptorServer } from "@hono/node-server"
import { defaultKeyPath } from "@takeoff/core"
import { makeApp } from "./app.js"
import { ApiFailure } from "./errors.js"
import { makeGuard, refuseUpgrade } from "./guard.js"
import type { NatsSweepOptions } from "./nats-sweep.js"
import type { RelayOptions, RunRelay } from "./relay.js"
import { RunManager } from "./runs.js"
import { StreamHub } from "./stream.js"
import { natsExecutor, threadExecutor } from "./sweep-executor.js"
import { SweepStreamHub } from "./sweep-stream.js"
import { SweepManager } from "./sweeps.js"

export interface ServerOptions {
  /** 0 picks a free port (default 4400). */
  readonly port?: number
  /** Default 127.0.0.1. Anything but loopback requires `token`. */
  readonly host?: string
  /** Where runs, logs and metrics live; created if missing. */
  readonly dataDir: string
  /** The built UI (packages/ui/dist), served at `/`. */
  readonly uiDir?: string
  /** Bearer token required for mutating calls; off loopback, for every API call and stream. */
  readonly token?: string
  /**
   * Whether reads and streams need the token too (default: when bound off loopback). A loopback
   * server behind a public reverse proxy sets it, since every request then comes from loopback.
   */
  readonly tokenForReads?: boolean
  /** Host names the server answers to besides the loopback ones (and the address it is bound to). */
  readonly allowedHosts?: ReadonlyArray<string>
  /** The Ed25519 key that signs the server's run logs (default: TAKEOFF_KEY, else ~/.takeoff/signing-key.pem). */
  readonly keyFile?: string
  /** Runs simulated at once; more are queued (default 2). */
  readonly maxConcurrentRuns?: number
  /** The model kit module's URL (default: the economy's, `@takeoff/agents/kit`). */
  readonly kitUrl?: string
  /** Unsent bytes per WebSocket client before it is held back (default 256 KiB). */
  readonly streamHighWaterBytes?: number
  /**
   * Share live runs with every server on the same NATS JetStream (and prefix): this server's runs
   * are published there, theirs are listed and streamed here (see relay.ts). The name defaults to
   * `<hostname>:<port>`. Sweeps then run their members on the `takeoff worker` processes pulling
   * jobs from the same NATS and prefix (see nats-sweep.ts), not on this server's threads.
   */
  readonly nats?: RelayOptions & Pick<NatsSweepOptions, "ackWaitMs" | "idleNoticeMs">
}

export interface RunningServer {
  readonly url: string
  readonly port: number
  readonly manager: RunManager
  readonly hub: StreamHub
  readonly sweeps: SweepManager
  /** Sweep progress over WebSocket. */
  readonly sweepHub: SweepStreamHub
  /** The NATS relay, when `nats` was given. */
  readonly relay?: RunRelay
  close(): Promise<void>
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"])

/** The kit used when none is given: the economy. */
export const defaultKitUrl = (): string => import.meta.resolve("@takeoff/agents/kit")

/**
 * Starts the Takeoff server: REST API and WebSocket streams on one HTTP server, runs persisted in
 * `dataDir`, the built UI at `/`.
 *
 * @example
 * const server = await startServer({ port: 0, dataDir: ".takeoff-data" })
 * console.log(server.url) // http://127.0.0.1:41234
 * await server.close()
 */
export const startServer = async (options: ServerOptions): Promise<RunningServer> => {
  const host = options.host ?? "127.0.0.1"
  if (!LOOPBACK.has(host) && (options.token === undefined || options.token.length < 16)) {
    throw new Error(`binding to ${host} exposes the server beyond this machine: pass a token of at least 16 characters`)
  }
  if (options.tokenForReads && (options.token === undefined || options.token.length < 16)) {
    throw new Error(
      "tokenForReads (serve --token-for-reads) needs a token of at least 16 characters (--token or $TAKEOFF_TOKEN)",
    )
  }

  const dataDir = path.resolve(options.dataDir)
  fs.mkdirSync(dataDir, { recursive: true })
  const manager = await RunManager.open({
    dataDir,
    kitUrl: options.kitUrl ?? defaultKitUrl(),
    maxConcurrentRuns: options.maxConcurrentRuns,
    keyFile: options.keyFile ?? defaultKeyPath(process.env),
  })
  const hub = new StreamHub(manager, options.streamHighWaterBytes)
  const sweeps = SweepManager.load({
    dataDir,
    kit: manager.kit,
    executor: options.nats
      ? natsExecutor(options.nats, manager.kit.model.version)
      : threadExecutor({
          kitUrl: options.kitUrl ?? defaultKitUrl(),
          workers: Math.max(1, options.maxConcurrentRuns ?? 2),
        }),
  })
  const sweepHub = new SweepStreamHub(sweeps)
  const offLoopback = !LOOPBACK.has(host)
  const wildcard = host === "0.0.0.0" || host === "::"
  const guard = makeGuard({
    token: options.token,
    tokenForReads: options.tokenForReads ?? offLoopback,
    allowedHosts: [
      ...(offLoopback && !wildcard ? [host.includes(":") ? `[${host}]` : host] : []),
      ...(options.allowedHosts ?? []),
    ],
  })
  const app = makeApp({ manager, hub, sweeps, uiDir: options.uiDir, guard })
  const server = createAdaptorServer({ fetch: app.fetch, hostname: host }) as Server
  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://localhost")
    try {
      const header = (name: string) => {
        const v = req.headers[name]
        return Array.isArray(v) ? v[0] : v
      }
      guard(
        { method: req.method ?? "GET", path: url.pathname, header, queryToken: url.searchParams.get("token") },
        true,
      )
    } catch (e) {
      if (e instanceof ApiFailure) return refuseUpgrade(socket, e)
      throw e
    }
    if (SweepStreamHub.handles(req)) sweepHub.upgrade(req, socket, head)
    else hub.upgrade(req, socket, head)
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 4400, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const shownHost = host.includes(":") ? `[${host}]` : host
  let relay: RunRelay | undefined
  try {
    // NATS is loaded only by servers that use it.
    if (options.nats) {
      const { RunRelay } = await import("./relay.js")
      relay = await RunRelay.start(manager, { name: `${os.hostname()}:${port}`, ...options.nats })
    }
  } catch (e) {
    hub.close()
    sweepHub.close()
    await manager.close()
    server.close()
    throw new Error(`--nats ${options.nats?.servers}: ${(e as Error).message}`)
  }
  return {
    url: `http://${shownHost}:${port}`,
    port,
    manager,
    hub,
    sweeps,
    sweepHub,
    ...(relay ? { relay } : {}),
    close: async () => {
      hub.close()
      sweepHub.close()
      await sweeps.close()
      await manager.close()
      // After the manager: the runs it stopped are relayed as stopped.
      await relay?.close()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}
