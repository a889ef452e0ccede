import type { Command } from "../command.js"
import { EXIT, usage } from "../errors.js"
import { Interrupt } from "../interrupt.js"
import { runNatsWorker } from "../nats-worker.js"

/** `takeoff worker --nats URL`: runs sweep jobs from NATS JetStream until Ctrl-C. */
export const workerCommand: Command = {
  spec: {
    name: "worker",
    summary: "run ensemble jobs pulled from NATS JetStream (start one or more per machine)",
    args: [],
    flags: [
      { name: "nats", kind: "string", value: "URL", help: "NATS server, e.g. nats://127.0.0.1:4222 (required)" },
      { name: "max-jobs", kind: "int", value: "N", help: "exit after N jobs (default: run until Ctrl-C)" },
      { name: "quiet", alias: "q", kind: "boolean", help: "no line per job" },
    ],
    notes: [
      "Pairs with `takeoff sweep <scenario> --nats URL` on any machine. Each worker runs one job at a time;",
      "start as many as you have cores. A worker that dies mid-job is replaced: its job is redelivered.",
      "Scenarios are loaded by name (or by a path that exists on every worker machine). Every worker must run",
      "the coordinator's build (same model version): a worker of another version fails the job, naming both.",
      "Env: TAKEOFF_ACK_WAIT_MS (default 30000) how long a silent worker keeps a job; TAKEOFF_NATS_PREFIX",
      "(default TAKEOFF) the stream names, the same on the coordinator and its workers.",
    ].join("\n"),
    examples: ["takeoff worker --nats nats://10.0.0.5:4222"],
  },
  async run({ flags }, io) {
    const servers = flags.nats as string | undefined
    if (!servers) throw usage("--nats: expected the NATS server URL, e.g. --nats nats://127.0.0.1:4222")
    const ac = new AbortController()
    const interrupt = Interrupt.install(() => {
      io.err("\nstopping after the job in flight\n")
      ac.abort()
    })
    try {
      io.err(`takeoff worker: pulling jobs from ${servers}\n`)
      const ran = await runNatsWorker(
        {
          servers,
          maxJobs: flags["max-jobs"] as number | undefined,
          ackWaitMs: process.env.TAKEOFF_ACK_WAIT_MS ? Number(process.env.TAKEOFF_ACK_WAIT_MS) : undefined,
          prefix: process.env.TAKEOFF_NATS_PREFIX,
          onJob: flags.quiet ? undefined : (t) => io.err(`run ${t.index} (seed ${t.seed})\n`),
          onThreadDied: (t, why) => io.err(`run ${t.index}: ${why}; handed back to the queue\n`),
        },
        ac.signal,
      )
      io.err(`takeoff worker: ran ${ran} jobs\n`)
      return interrupt.requested ? EXIT.interrupted : EXIT.ok
    } finally {
      interrupt.dispose()
    }
  },
}
