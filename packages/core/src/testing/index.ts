export * from "./walkers.js"
