import { css, html, LitElement } from "lit"
import { customElement, property } from "lit/decorators.js"
import { apiToken, setApiToken } from "../auth.js"
import { controlStyles } from "../theme.js"

declare global {
  interface HTMLElementTagNameMap {
    "tk-token-form": TkTokenForm
  }
}

/**
 * Asks for the server's access token after it answered 401 (`reason` is its message). The token is
 * kept in this tab only (see auth.ts); submitting reloads the page, so every request and stream
 * starts again carrying it.
 *
 * @example html`<tk-token-form .reason=${"this server needs Authorization: Bearer <token>"}></tk-token-form>`
 */
@customElement("tk-token-form")
export class TkTokenForm extends LitElement {
  static override styles = [
    controlStyles,
    css`
      form { margin: 14px 16px 0; padding: 12px; background: var(--tk-panel); border: 2px solid var(--tk-accent); border-radius: 8px;
        display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
      p { flex-basis: 100%; margin: 0; }
      input { flex: 1 1 200px; min-width: 0; }
    `,
  ]

  /** The server's message for the refused request. */
  @property() reason = ""

  private submit(e: Event) {
    e.preventDefault()
    const input = this.renderRoot.querySelector("#token-input") as HTMLInputElement | null
    if (!input?.value.trim()) return
    setApiToken(input.value)
    location.reload()
  }

  override render() {
    return html`<form id="token-form" @submit=${(e: Event) => this.submit(e)}>
      <p><strong>This server needs its access token.</strong> ${
        apiToken() ? "The token this tab holds was refused. " : ""
      }${this.reason}. Ask whoever runs it (it was given to <code>takeoff serve --token</code>); it is kept in this tab only.</p>
      <label for="token-input">Access token</label>
      <input id="token-input" type="password" autocomplete="off" spellcheck="false" required />
      <button type="submit">Use token</button>
    </form>`
  }
}
