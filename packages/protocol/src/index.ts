export type * from "./model.js"
export type * from "./runs.js"
export * from "./format.js"
export type * from "./sweeps.js"
