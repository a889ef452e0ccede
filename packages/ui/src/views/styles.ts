import { css } from "lit"
import { controlStyles } from "../theme.js"

/** What every view shares: a column of cards and chart grids, bars of controls, tables and hints. */
export const viewStyles = [
  controlStyles,
  css`
    :host { display: grid; gap: 12px; min-width: 0; }
    .bar { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
    .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 12px; }
    .card { background: var(--tk-panel); border: 1px solid var(--tk-border); border-radius: 8px; padding: 12px; min-width: 0; }
    .card h2 { font-size: 0.95rem; margin: 0 0 6px; }
    table { border-collapse: collapse; width: 100%; font-size: 0.82rem; }
    td, th { padding: 4px 6px; border-bottom: 1px solid var(--tk-border); text-align: left; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
    .table-wrap { overflow-x: auto; }
    .hint { font-size: 0.85rem; color: var(--tk-muted); }
    label.file { display: inline-flex; gap: 6px; align-items: center; flex-wrap: wrap; max-width: 100%; }
    /* A file input is ~310 px wide by default, wider than a phone's card. */
    input[type="file"] { width: 15rem; max-width: 100%; min-width: 0; }
    @media (max-width: 900px) {
      .grid { grid-template-columns: minmax(0, 1fr); }
    }
    /* On a phone a table of many columns becomes one card per row: cells wrap, with their header
       as a label, so nothing scrolls sideways. */
    @media (max-width: 600px) {
      table.stack thead { display: none; }
      table.stack tr { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); border-bottom: 1px solid var(--tk-border);
        padding: 4px 0; }
      table.stack td { border: 0; overflow-wrap: anywhere; text-align: left; }
      table.stack td[data-label]::before { content: attr(data-label) ": "; color: var(--tk-muted); }
    }
  `,
]
