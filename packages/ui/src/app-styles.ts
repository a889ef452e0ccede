import { css } from "lit"

/** The shell's layout: the sticky header, the side panel beside the main view, the error toast; phone widths fold the panel away. */
export const appStyles = css`
      :host { display: block; min-height: 100vh; background: var(--tk-bg); color: var(--tk-fg); }
      header.top { display: flex; gap: 12px; align-items: center; padding: 8px 16px; border-bottom: 1px solid var(--tk-border);
        background: var(--tk-panel); flex-wrap: wrap; position: sticky; top: 0; z-index: 5; }
      h1 { font-size: 1.15rem; margin: 0; letter-spacing: 0.02em; }
      nav { display: flex; gap: 4px; flex-wrap: wrap; }
      nav button[aria-current="page"] { background: var(--tk-accent); color: var(--tk-on-accent); border-color: var(--tk-accent); }
      .spacer { flex: 1; }
      #params-toggle { display: none; }
      .layout { display: grid; grid-template-columns: 320px minmax(0, 1fr); gap: 14px; padding: 14px 16px; align-items: start; }
      .side { background: var(--tk-panel); border: 1px solid var(--tk-border); border-radius: 8px; padding: 12px; max-height: calc(100vh - 90px);
        overflow: auto; position: sticky; top: 64px; }
      .main { display: grid; grid-template-columns: minmax(0, 1fr); gap: 12px; min-width: 0; }
      .toast { position: fixed; bottom: 16px; left: 50%; transform: translateX(-50%); background: var(--tk-bad); color: #fff; padding: 8px 14px;
        border-radius: 8px; z-index: 10; max-width: 90vw; }
      .toast button { margin-left: 10px; background: transparent; color: #fff; border-color: #fff8; }
      @media (max-width: 900px) {
        /* On a phone the wrapped header would keep a fifth of the screen; let it scroll away. */
        header.top { position: static; padding: 8px 10px; gap: 8px; }
        nav button, #share, #params-toggle { padding: 4px 8px; font-size: 0.85rem; }
        .layout { grid-template-columns: minmax(0, 1fr); padding: 10px; }
        .side { position: static; max-height: none; }
        /* The parameter list is a thousand pixels tall: behind a button, so the chart comes first. */
        #params-toggle { display: inline-block; }
        .side:not(.open) { display: none; }
      }
    `
