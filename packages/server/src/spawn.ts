import { createRequire } from "node:module"
import { pathToFileURL } from "node:url"
import { Worker, type WorkerOptions } from "node:worker_threads"

/**
 * Starts a worker on a module beside `base`: the built `.js` in dist, or, when the server itself
 * runs from source (tests), the `.ts` source through tsx, registered inside the worker because
 * Node 20 ignores `--import` in a worker's execArgv.
 */
export const spawnWorker = (name: string, base: string, options: WorkerOptions): Worker => {
  if (!base.endsWith(".ts")) return new Worker(new URL(`./${name}.js`, base), options)
  // require.resolve picks tsx's CommonJS build; the worker needs its ES module twin beside it.
  const tsx = pathToFileURL(
    createRequire(base)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href
  const target = new URL(`./${name}.ts`, base).href
  const code = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(target)}) })`
  return new Worker(code, { ...options, eval: true })
}

/** URL of a module beside `base`, in the same form (`.ts` from source, `.js` built). */
export const siblingUrl = (name: string, base: string): string =>
  new URL(`./${name}.${base.endsWith(".ts") ? "ts" : "js"}`, base).href
