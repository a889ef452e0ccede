export * from "./conformance.js"
export * from "./walkers.js"
