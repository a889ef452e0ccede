import type {
  ApiError,
  CreateRunRequest,
  CreateSweepRequest,
  MetricsPage,
  NotableEvent,
  RunControl,
  RunSummary,
  ScenarioDetail,
  ScenarioYaml,
  ScenarioYamlRequest,
  StateAtTick,
  SweepDetail,
  SweepFan,
  SweepSummary,
} from "@takeoff/protocol"
import { UNAUTHORIZED_EVENT, withAuth, withTokenParam } from "./auth.js"

/** A failed API call, carrying the server's code and the field it names (if any). */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message)
    this.name = "ApiCallError"
  }
}

const call = async <T>(path: string, init?: RequestInit): Promise<T> => {
  let res: Response
  try {
    res = await fetch(path, withAuth(init))
  } catch (e) {
    throw new ApiCallError(0, "network", `Cannot reach the server (${(e as Error).message})`)
  }
  const text = await res.text()
  let body: unknown
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    body = undefined
  }
  if (!res.ok) {
    const err = (body as ApiError | undefined)?.error
    if (res.status === 401 && typeof dispatchEvent === "function")
      dispatchEvent(
        new CustomEvent(UNAUTHORIZED_EVENT, { detail: err?.message ?? "this server needs its access token" }),
      )
    throw new ApiCallError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? text, err?.field)
  }
  return body as T
}

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
})

const qs = (params: Record<string, string | number | undefined | null>): string => {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") p.set(k, String(v))
  const s = p.toString()
  return s ? `?${s}` : ""
}

/** A WebSocket URL on this server for an API path, with the token when this tab holds one. */
const wsUrl = (path: string): string =>
  withTokenParam(`${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${path}`)

/**
 * The REST API the server publishes (routes in packages/server/README.md), typed for the UI.
 * @example const runs = await api.listRuns()
 */
export const api = {
  scenarios: () => call<ScenarioDetail[]>("/api/scenarios"),
  scenarioYaml: (req: ScenarioYamlRequest) => call<ScenarioYaml>("/api/scenarios/yaml", json("POST", req)),
  createRun: (req: CreateRunRequest) => call<RunSummary>("/api/runs", json("POST", req)),
  listRuns: () => call<RunSummary[]>("/api/runs"),
  run: (id: string) => call<RunSummary>(`/api/runs/${encodeURIComponent(id)}`),
  control: (id: string, control: RunControl) =>
    call<RunSummary>(`/api/runs/${encodeURIComponent(id)}/control`, json("POST", control)),
  metrics: (id: string, opts: { keys?: string[]; fromTick?: number; toTick?: number } = {}) =>
    call<MetricsPage>(
      `/api/runs/${encodeURIComponent(id)}/metrics${qs({ keys: opts.keys?.join(","), fromTick: opts.fromTick, toTick: opts.toTick })}`,
    ),
  state: (id: string, at: { tick?: number; date?: string }) =>
    call<StateAtTick>(`/api/runs/${encodeURIComponent(id)}/state${qs({ tick: at.tick, date: at.date })}`),
  audit: (id: string, why: "agi" | "asi" | "post-scarcity") =>
    call<unknown>(`/api/runs/${encodeURIComponent(id)}/audit${qs({ why })}`),
  uploadLog: (text: string) =>
    call<RunSummary>("/api/logs", { method: "POST", headers: { "content-type": "application/x-ndjson" }, body: text }),
  logUrl: (id: string) => withTokenParam(`/api/runs/${encodeURIComponent(id)}/log`),
  createSweep: (req: CreateSweepRequest) => call<SweepSummary>("/api/sweeps", json("POST", req)),
  listSweeps: () => call<SweepSummary[]>("/api/sweeps"),
  sweep: (id: string) => call<SweepDetail>(`/api/sweeps/${encodeURIComponent(id)}`),
  sweepFan: (id: string, metric: string) =>
    call<SweepFan>(`/api/sweeps/${encodeURIComponent(id)}/fan${qs({ metric })}`),
  /** Reruns a member of a sweep as an ordinary run (its scenario, seed and draws), to replay. */
  runSweepMember: (id: string, index: number) =>
    call<RunSummary>(`/api/sweeps/${encodeURIComponent(id)}/members/${index}/run`, json("POST", {})),
  /** Runs an interrupted, stopped or failed sweep's missing members. */
  resumeSweep: (id: string) => call<SweepSummary>(`/api/sweeps/${encodeURIComponent(id)}/resume`, json("POST", {})),
  /** The WebSocket URL of a sweep's progress (SweepServerMessage). */
  sweepStreamUrl: (id: string) => wsUrl(`/api/sweeps/${encodeURIComponent(id)}/stream`),
  /** The WebSocket URL of a run's ticks from `from` (ServerMessage). */
  runStreamUrl: (id: string, from: number) => wsUrl(`/api/runs/${encodeURIComponent(id)}/stream?from=${from}`),
  /** A sweep's long-format series (CSV or Parquet), as a link that carries the token if one is needed. */
  seriesUrl: (id: string, ext: "csv" | "parquet", metric?: string) =>
    withTokenParam(`/api/sweeps/${encodeURIComponent(id)}/series.${ext}${qs({ metrics: metric })}`),
  stopSweep: (id: string) =>
    call<{ deleted: boolean; summary: SweepSummary }>(`/api/sweeps/${encodeURIComponent(id)}`, { method: "DELETE" }),
}

export type { NotableEvent, RunSummary }
