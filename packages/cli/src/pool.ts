import { Worker } from "node:worker_threads"

/** What a pool worker posts back for one task. */
export type WorkerReply<R> =
  | { readonly index: number; readonly ok: true; readonly result: R }
  | { readonly index: number; readonly ok: false; readonly error: string }

export interface PoolOptions<T, R> {
  /** The worker script; it receives `workerData = init` and answers `{index, task}` messages. */
  readonly workerUrl: URL
  readonly init: unknown
  readonly tasks: ReadonlyArray<T>
  readonly workers: number
  /** Called once per finished task, in completion order (results are also returned in task order). */
  readonly onResult?: (index: number, result: R) => void
  readonly execArgv?: string[]
  /** Checked between tasks: when true, no new task is handed out. */
  readonly shouldStop?: () => boolean
}

/**
 * Tasks queued on each worker at once: the next one is already there when a run finishes, so a
 * worker does not idle while a busy main thread gets round to answering it (on a loaded machine
 * that can take longer than a short run). Two keeps the balancing: a worker is never more than
 * one task ahead.
 */
const QUEUED_PER_WORKER = 2

/**
 * Runs tasks on worker threads and returns results in task order, so the outcome never depends
 * on how many workers ran them or which finished first. Each worker holds at most two tasks and
 * gets another when it finishes one (no up-front partition: long and short runs balance themselves).
 *
 * @example
 * const results = await runPool({ workerUrl, init, tasks, workers: 2 })
 */
export const runPool = <T, R>(options: PoolOptions<T, R>): Promise<{ results: Array<R | undefined>; done: number }> =>
  new Promise((resolve, reject) => {
    const { tasks } = options
    const results = new Array<R | undefined>(tasks.length)
    const count = Math.max(1, Math.min(options.workers, tasks.length))
    let next = 0
    let done = 0
    let live = 0
    let failed = false
    const workers: Worker[] = []
    const queued = new Map<Worker, number>()
    const finish = (error?: Error) => {
      if (failed) return
      if (error) failed = true
      for (const w of workers) void w.terminate()
      if (error) reject(error)
      else resolve({ results, done })
    }
    const feed = (w: Worker) => {
      let n = queued.get(w) ?? 0
      while (n < QUEUED_PER_WORKER && next < tasks.length && !options.shouldStop?.()) {
        const index = next++
        w.postMessage({ index, task: tasks[index] })
        n++
      }
      queued.set(w, n)
      if (n > 0) return
      // Nothing left for this worker: it retires once.
      queued.delete(w)
      live--
      if (live === 0) finish()
    }
    if (tasks.length === 0) return resolve({ results, done })
    for (let i = 0; i < count; i++) {
      const w = new Worker(options.workerUrl, { workerData: options.init, execArgv: options.execArgv })
      workers.push(w)
      live++
      w.on("message", (reply: WorkerReply<R>) => {
        if (!reply.ok) return finish(new Error(`run ${reply.index}: ${reply.error}`))
        results[reply.index] = reply.result
        done++
        queued.set(w, (queued.get(w) ?? 1) - 1)
        options.onResult?.(reply.index, reply.result)
        feed(w)
      })
      w.on("error", (e) => finish(e))
      w.on("exit", (code) => {
        if (code !== 0 && !failed && live > 0 && done < tasks.length)
          finish(new Error(`worker exited with code ${code}`))
      })
      feed(w)
    }
  })
