import { css } from "lit"

/**
 * Shared tokens for components. Colours are custom properties set on :root in index.html (light and
 * dark via prefers-color-scheme); components only read them, so one place decides contrast.
 */
export const controlStyles = css`
  button, select, input, textarea { font: inherit; color: inherit; }
  button { cursor: pointer; border-radius: 6px; border: 1px solid var(--tk-border); background: var(--tk-panel);
    padding: 5px 10px; color: var(--tk-fg); }
  button:hover:not(:disabled) { border-color: var(--tk-accent); }
  button:disabled { opacity: 0.5; cursor: not-allowed; }
  button.primary { background: var(--tk-accent); color: var(--tk-on-accent); border-color: var(--tk-accent); font-weight: 600; }
  button[aria-pressed="true"] { background: color-mix(in srgb, var(--tk-accent) 22%, var(--tk-panel)); border-color: var(--tk-accent); }
  select, input[type="number"], input[type="text"], input[type="search"] { background: var(--tk-bg); border: 1px solid var(--tk-border);
    border-radius: 6px; padding: 4px 6px; color: var(--tk-fg); min-width: 0; }
  :focus-visible { outline: 2px solid var(--tk-accent); outline-offset: 2px; }
  .muted { color: var(--tk-muted); }
  .error { color: var(--tk-bad); }
`
