/** The ensemble statistics live with the economy (the backtest uses them too). */
export { percentile, ranks, spearman } from "@takeoff/agents"
