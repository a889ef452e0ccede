/**
 * Ctrl-C handling for long commands: the first SIGINT asks the loop to stop after the tick (or
 * run) in flight, so the log is sealed and closed; a second one exits at once.
 *
 * @example
 * const stop = Interrupt.install(io)
 * while (!stop.requested) step()
 * stop.dispose()
 */
export class Interrupt {
  requested = false
  private constructor(private readonly handler: () => void) {}

  static install(onFirst: () => void): Interrupt {
    let it: Interrupt | undefined
    const handler = () => {
      if (it?.requested) process.exit(130)
      if (it) it.requested = true
      onFirst()
    }
    it = new Interrupt(handler)
    process.on("SIGINT", handler)
    process.on("SIGTERM", handler)
    return it
  }

  dispose(): void {
    process.off("SIGINT", this.handler)
    process.off("SIGTERM", this.handler)
  }
}

/** Lets pending signals and I/O run: called between ticks so Ctrl-C is seen during a tight loop. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
