import { execFileSync } from "node:child_process"
import * as path from "node:path"

/** Tests run the real built command, so build it first (tsc is incremental-free but quick). */
export default function setup(): void {
  const root = path.resolve(import.meta.dirname, "..")
  execFileSync(process.execPath, [path.join(root, "../../node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], {
    cwd: root,
    stdio: "inherit",
  })
}
