/**
 * The server's access token, for a server that requires one (`takeoff serve --token`: for changes;
 * off loopback or with --token-for-reads, for reads and streams too). Kept in this tab's
 * sessionStorage, never in the page's URL: a link may hand it over once as `?token=...`, which is
 * taken into storage and removed from the address bar before anything else reads the URL. Fetches
 * send it as `Authorization: Bearer`; WebSockets and download links, which cannot send a header,
 * as `?token=` (the server accepts that on reads and streams only).
 */

const KEY = "takeoff.token"
/** The window event the API client fires when the server answers 401 (detail: its message). */
export const UNAUTHORIZED_EVENT = "takeoff-unauthorized"

const storage = (): Storage | undefined => (typeof sessionStorage === "undefined" ? undefined : sessionStorage)

/** The token this tab holds, if any. */
export const apiToken = (): string | undefined => storage()?.getItem(KEY) || undefined

/** Keeps (or, with an empty value, forgets) the token for this tab. */
export const setApiToken = (token: string | undefined): void => {
  const t = token?.trim()
  if (t) storage()?.setItem(KEY, t)
  else storage()?.removeItem(KEY)
}

/**
 * Moves a `?token=` from the address bar into this tab's storage (so "Copy link" and the history
 * never carry it). Call once, before the URL is parsed.
 */
export const takeTokenFromUrl = (): void => {
  if (typeof location === "undefined") return
  const url = new URL(location.href)
  const t = url.searchParams.get("token")
  if (t === null) return
  setApiToken(t)
  url.searchParams.delete("token")
  history.replaceState(history.state, "", `${url.pathname}${url.search}${url.hash}`)
}

/** `url` with the token as `?token=` when this tab holds one (a WebSocket or a download link). */
export const withTokenParam = (url: string): string => {
  const t = apiToken()
  if (t === undefined) return url
  return `${url}${url.includes("?") ? "&" : "?"}token=${encodeURIComponent(t)}`
}

/** Request options with the bearer token added when this tab holds one. */
export const withAuth = (init: RequestInit = {}): RequestInit => {
  const t = apiToken()
  if (t === undefined) return init
  const headers = new Headers(init.headers)
  headers.set("authorization", `Bearer ${t}`)
  return { ...init, headers }
}
