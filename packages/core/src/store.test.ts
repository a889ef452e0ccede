import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll } from "vitest"
import { EventStore } from "./store.js"
import { runStoreConformance } from "./testing/conformance.js"

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "takeoff-store-"))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

runStoreConformance("memory", () => EventStore.memory)
runStoreConformance("file", () => EventStore.file({ dir: path.join(tmp, "plain") }))
runStoreConformance("file-gzip", () => EventStore.file({ dir: path.join(tmp, "gz"), gzip: true }))
