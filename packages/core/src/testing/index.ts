export * from "./walkers.js"
export * from "./walkers-kit.js"
