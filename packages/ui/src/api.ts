import type { ApiError, CreateRunRequest, NotableEvent, RunControl, RunSummary } from "@takeoff/protocol"

/** One editable scenario parameter, as `GET /api/scenarios` describes it. */
export interface ScenarioParameter {
  readonly path: string
  readonly group: string
  readonly label: string
  readonly unit: string
  readonly value: unknown
  readonly source?: string
  readonly assumption?: boolean
  readonly min?: number
  readonly max?: number
  readonly description?: string
}

export interface ScenarioInfo {
  readonly name: string
  readonly title: string
  readonly description: string
  readonly parameters: ReadonlyArray<ScenarioParameter>
}

/** The audit of a milestone (`GET /api/runs/:id/audit`), as the economy's `explain` builds it. */
export interface Explanation {
  readonly why: string
  readonly reached: boolean
  readonly summary: string
  readonly milestone: { readonly type: string; readonly tick: number; readonly date: string } | null
  readonly crossing: {
    readonly metric: string
    readonly threshold: number
    readonly before: { readonly tick: number; readonly date: string; readonly value: number } | null
    readonly after: { readonly tick: number; readonly date: string; readonly value: number } | null
  }
  readonly drivers: ReadonlyArray<{ readonly driver: string; readonly contribution: number; readonly share: number }>
  readonly events: ReadonlyArray<NotableEvent & { readonly contribution?: number }>
}

export interface MetricsPage {
  readonly metrics?: ReadonlyArray<{ key: string; label: string; unit: string; log?: boolean }>
  readonly ticks: ReadonlyArray<number>
  readonly dates: ReadonlyArray<string>
  readonly columns: Readonly<Record<string, ReadonlyArray<number | null>>>
}

export interface StateAtTick {
  readonly tick: number
  readonly date: string
  readonly metrics: Readonly<Record<string, number>>
  readonly [k: string]: unknown
}

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
    res = await fetch(path, init)
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

/**
 * The REST API the server publishes (routes in packages/server/README.md), typed for the UI.
 * @example const runs = await api.listRuns()
 */
export const api = {
  scenarios: () => call<ScenarioInfo[]>("/api/scenarios"),
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
  logUrl: (id: string) => `/api/runs/${encodeURIComponent(id)}/log`,
}

export type { NotableEvent, RunSummary }
