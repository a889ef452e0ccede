import type { ReactiveController, ReactiveControllerHost } from "lit"
import { formatUrlState, parseUrlState, type UrlState } from "../url-state.js"

/**
 * Keeps the view state in the address bar, so a link reproduces what is on screen: reads it at start
 * and on back/forward (then calls `onNavigate` to load what the new state names), and writes every
 * change as a history entry, or in place for edits that should not pile up in history.
 *
 * @example
 * class App extends LitElement {
 *   url = new UrlStateController(this, () => this.load(this.url.state))
 *   show(view: UrlState["view"]) { this.url.push({ view }) }
 * }
 */
export class UrlStateController implements ReactiveController {
  state: UrlState = parseUrlState(location.search, location.hash)

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onNavigate: () => void,
  ) {
    host.addController(this)
  }

  hostConnected(): void {
    addEventListener("popstate", this.onPop)
    // A pasted `#/ensemble/<id>` link changes only the hash.
    addEventListener("hashchange", this.onPop)
  }

  hostDisconnected(): void {
    removeEventListener("popstate", this.onPop)
    removeEventListener("hashchange", this.onPop)
  }

  /** Merges `patch` into the state and records it: a new history entry, or (`replace`) the current one. */
  push(patch: Partial<UrlState>, replace = false): void {
    this.state = { ...this.state, ...patch }
    const next = `${location.pathname}${formatUrlState(this.state)}`
    if (replace) history.replaceState(null, "", next)
    else history.pushState(null, "", next)
    this.host.requestUpdate()
  }

  /** Fills in a default the address leaves out, without writing it there (the link stays as given). */
  assume(patch: Partial<UrlState>): void {
    this.state = { ...this.state, ...patch }
    this.host.requestUpdate()
  }

  private onPop = () => {
    this.state = parseUrlState(location.search, location.hash)
    this.host.requestUpdate()
    this.onNavigate()
  }
}
