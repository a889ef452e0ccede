import { createHash, timingSafeEqual } from "node:crypto"
import type { Duplex } from "node:stream"
import { ApiFailure } from "./errors.js"

/** Loopback names a browser on this machine uses for a server bound to loopback. */
export const LOOPBACK_HOSTS: ReadonlyArray<string> = ["localhost", "127.0.0.1", "[::1]"]

export interface GuardOptions {
  /**
   * Host names (without port) requests may be addressed to; loopback names by default. A page on
   * another name that resolves here (DNS rebinding) is refused before any route runs.
   */
  readonly allowedHosts?: ReadonlyArray<string>
  /** Bearer token: mutating calls need it; with `tokenForReads`, every API call and stream does. */
  readonly token?: string
  /** Off loopback, reads and streams need the token too. */
  readonly tokenForReads?: boolean
}

/** What a request looks like to the guard: the same for an HTTP route and a WebSocket upgrade. */
export interface GuardedRequest {
  readonly method: string
  readonly path: string
  readonly header: (name: string) => string | undefined
  /**
   * A `token` query parameter, accepted on reads and streams (a browser's WebSocket and a download
   * link cannot send an Authorization header), never on changes.
   */
  readonly queryToken?: string | null
}

const digest = (s: string) => createHash("sha256").update(s).digest()

/** The host name of a Host header or origin authority, lowercased, without its port. */
const hostName = (authority: string): string => {
  const a = authority.trim().toLowerCase()
  if (a.startsWith("[")) return a.slice(0, a.indexOf("]") + 1)
  const colon = a.indexOf(":")
  return colon < 0 ? a : a.slice(0, colon)
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"])

/**
 * The browser-facing checks every request passes before a route or stream sees it: a Host on the
 * allow-list; an Origin (sent by browsers on cross-site and mutating requests and on WebSocket
 * opens) naming this server itself; the bearer token where one is required (scheme
 * case-insensitive). Throws ApiFailure (403, 401). CORS is never granted: no route sets
 * Access-Control-Allow-Origin, so a page elsewhere cannot read responses either.
 *
 * @example
 * const guard = makeGuard({ token, tokenForReads: true, allowedHosts: ["sim.example.org"] })
 * guard({ method: "GET", path: "/api/runs", header: (n) => req.headers[n] })
 */
export const makeGuard = (options: GuardOptions) => {
  const allowed = new Set([...LOOPBACK_HOSTS, ...(options.allowedHosts ?? [])].map((h) => h.toLowerCase()))
  const expected = options.token === undefined ? undefined : digest(options.token)
  return (req: GuardedRequest, stream = false): void => {
    const host = req.header("host")
    if (host === undefined || !allowed.has(hostName(host))) {
      throw new ApiFailure({
        status: 403,
        code: "forbidden-host",
        message: `host: ${host === undefined ? "none" : `"${host}"`} is not a name this server answers to (allowed: ${[...allowed].join(", ")}; add one with --allow-host)`,
        field: "host",
      })
    }
    const mutating = !SAFE_METHODS.has(req.method.toUpperCase())
    const origin = req.header("origin")
    if ((mutating || stream) && origin !== undefined) {
      let originHost: string
      try {
        originHost = new URL(origin).host
      } catch {
        originHost = ""
      }
      if (originHost.toLowerCase() !== host.trim().toLowerCase()) {
        throw new ApiFailure({
          status: 403,
          code: "forbidden-origin",
          message: `origin: "${origin}" is not this server; pages elsewhere cannot drive it or read its streams`,
          field: "origin",
        })
      }
    }
    if (expected === undefined || !req.path.startsWith("/api/")) return
    if (!mutating && !stream && !options.tokenForReads) return
    if (stream && !options.tokenForReads) return
    const m = /^bearer[ \t]+(\S+)\s*$/i.exec(req.header("authorization") ?? "")
    // ?token= stands in for the header on reads and streams only: a link must never make a change.
    const given = m?.[1] ?? (mutating ? undefined : (req.queryToken ?? undefined))
    if (given === undefined || given === null || !timingSafeEqual(digest(given), expected)) {
      throw new ApiFailure({
        status: 401,
        code: "unauthorized",
        message: `this server needs Authorization: Bearer <token> for ${mutating ? "changes" : "reads and streams"}`,
        field: "authorization",
      })
    }
  }
}

/** Answers a refused WebSocket upgrade with the JSON error body an HTTP route would send. */
export const refuseUpgrade = (socket: Duplex, failure: ApiFailure): void => {
  const body = JSON.stringify(failure.body)
  const reason =
    failure.status === 401
      ? "Unauthorized"
      : failure.status === 403
        ? "Forbidden"
        : failure.status === 404
          ? "Not Found"
          : "Bad Request"
  socket.end(
    `HTTP/1.1 ${failure.status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}
