import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { startServer } from "@takeoff/server"
import type { Command } from "../command.js"
import { EXIT, usage } from "../errors.js"

/** The built web UI beside this package in the monorepo (packages/ui/dist). */
const defaultUiDir = (): string => path.resolve(fileURLToPath(import.meta.url), "../../../../ui/dist")

export const serveCommand: Command = {
  spec: {
    name: "serve",
    summary: "serve the web UI and the REST/WebSocket API",
    args: [],
    flags: [
      { name: "port", alias: "p", kind: "int", value: "N", help: "port (default 4400; 0 picks a free one)" },
      { name: "host", kind: "string", value: "HOST", help: "address to bind (default 127.0.0.1)" },
      { name: "data", kind: "string", value: "DIR", help: "where runs and logs are kept (default .takeoff-data)" },
      {
        name: "token",
        kind: "string",
        value: "TOKEN",
        help: "bearer token for mutating calls, required off loopback and then for reads too (default $TAKEOFF_TOKEN)",
      },
      {
        name: "token-for-reads",
        kind: "boolean",
        help: "require the token for reads and streams too on loopback (a server behind a public reverse proxy)",
      },
      {
        name: "allow-host",
        kind: "list",
        value: "NAME",
        help: "a host name the server answers to besides localhost, 127.0.0.1 and [::1] (repeatable)",
      },
      { name: "ui", kind: "string", value: "DIR", help: "built UI to serve at / (default packages/ui/dist)" },
      {
        name: "nats",
        kind: "string",
        value: "URL",
        help: "share live runs with every server on this NATS JetStream and run sweeps on its `takeoff worker`s (default $TAKEOFF_NATS; off if unset)",
      },
    ],
    notes:
      "Requests addressed to other host names are refused (403), as are WebSocket opens and changes from\nother origins. Off loopback (or with --token-for-reads), every API call and stream needs the token\n(Authorization: Bearer, or ?token= on a read or stream; the web UI asks for it once per tab).\nRuns are signed with this installation's key (TAKEOFF_KEY, else\n~/.takeoff/signing-key.pem).\nCtrl-C stops the server: running simulations are stopped with their logs sealed.\nWith --nats, servers on the same NATS (and TAKEOFF_NATS_PREFIX) list, stream and replay each other's\nruns: each publishes its runs' ticks, the others relay them to their clients (marked hostedBy).\nIts sweeps run on the `takeoff worker --nats URL` processes (same TAKEOFF_NATS_PREFIX), not on its threads;\na sweep no worker takes jobs from says \"waiting for workers\" after 10 s.",
    examples: [
      "takeoff serve",
      "takeoff serve --port 8080 --data runs/",
      "TAKEOFF_TOKEN=... takeoff serve --host 0.0.0.0 --allow-host sim.example.org",
      "takeoff serve --port 4401 --nats nats://127.0.0.1:4222",
    ],
  },
  async run({ flags }, io) {
    const port = (flags.port as number | undefined) ?? 4400
    if (port < 0 || port > 65535) throw usage(`--port: expected 0..65535, got ${port}`)
    const uiDir = (flags.ui as string | undefined) ?? defaultUiDir()
    if (flags.ui !== undefined && !fs.existsSync(path.join(uiDir, "index.html"))) {
      throw usage(`--ui ${uiDir}: no index.html there (build the UI with npx turbo run build)`)
    }
    const nats = (flags.nats as string | undefined) ?? process.env.TAKEOFF_NATS
    let server: Awaited<ReturnType<typeof startServer>>
    try {
      server = await startServer({
        port,
        host: flags.host as string | undefined,
        dataDir: (flags.data as string | undefined) ?? ".takeoff-data",
        uiDir,
        token: (flags.token as string | undefined) ?? process.env.TAKEOFF_TOKEN,
        allowedHosts: flags["allow-host"] as string[] | undefined,
        tokenForReads: flags["token-for-reads"] === true ? true : undefined,
        ...(nats
          ? {
              nats: {
                servers: nats,
                prefix: process.env.TAKEOFF_NATS_PREFIX,
                ackWaitMs: process.env.TAKEOFF_ACK_WAIT_MS ? Number(process.env.TAKEOFF_ACK_WAIT_MS) : undefined,
              },
            }
          : {}),
      })
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === "EADDRINUSE") throw usage(`--port ${port}: address already in use`)
      if (code === "EACCES") throw usage(`--port ${port}: permission denied`)
      if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw usage(`--host ${flags.host}: cannot bind there`)
      throw usage((e as Error).message)
    }
    io.out(`Takeoff at ${server.url}  (data: ${path.resolve((flags.data as string | undefined) ?? ".takeoff-data")})\n`)
    if (server.relay) io.out(`Sharing live runs over NATS at ${nats} as ${server.relay.name}\n`)
    io.out(`Sweeps run on ${server.sweeps.executor.description}\n`)
    if (!fs.existsSync(path.join(uiDir, "index.html"))) io.err(`note: no built UI at ${uiDir}; serving the API only\n`)
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve)
      process.once("SIGTERM", resolve)
    })
    io.err("stopping the server\n")
    await server.close()
    return EXIT.ok
  },
}
