/** The bench's server, in its own process so its memory is measured alone. Prints its URL. */
import { startServer } from "../src/index.js"

const server = await startServer({ port: 0, dataDir: process.argv[2], maxConcurrentRuns: 1 })
process.stdout.write(`${server.url}\n`)
// The parent holds our stdin: when it goes away, however it ends, so do we.
process.stdin.resume()
process.stdin.on("end", () => process.exit(0))
process.on("SIGTERM", () => {
  void server.close().then(() => process.exit(0))
})
