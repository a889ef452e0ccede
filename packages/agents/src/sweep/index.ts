/**
 * Sweeps (ensembles) of any model kit: the plan and its designs, one member's run, and the
 * statistics over members, and every member's series in long format (CSV, Parquet). The CLI (`takeoff sweep`, its pool and NATS workers) and the server
 * (`POST /api/sweeps`) both run sweeps through these, so a member's result is the same wherever it ran.
 */
export * from "./long-format.js"
export * from "./plan.js"
export * from "./run.js"
export * from "./stats.js"
