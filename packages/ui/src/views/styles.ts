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
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
    .table-wrap { overflow-x: auto; }
    .hint { font-size: 0.85rem; color: var(--tk-muted); }
    label.file { display: inline-flex; gap: 6px; align-items: center; }
    @media (max-width: 900px) {
      .grid { grid-template-columns: minmax(0, 1fr); }
    }
  `,
]
