// Keeps package-lock.json installable with `npm ci` against registries that lack some platforms'
// optional binaries (this project's CI mirror 404s e.g. @biomejs/cli-darwin-x64). `npm install`
// skips an optional package it cannot fetch but still lists it as a dependency edge; `npm ci` then
// rejects the lock as out of sync. Removing optional edges the lock cannot resolve restores the
// invariant. Against a full registry every edge resolves and this changes nothing.
import * as fs from "node:fs"

const file = new URL("../package-lock.json", import.meta.url)
if (!fs.existsSync(file)) process.exit(0)
const lock = JSON.parse(fs.readFileSync(file, "utf8"))
const paths = Object.keys(lock.packages ?? {})
const resolvable = (dep) => paths.some((p) => p === `node_modules/${dep}` || p.endsWith(`/node_modules/${dep}`))
let pruned = 0
for (const entry of Object.values(lock.packages ?? {})) {
  if (!entry.optionalDependencies) continue
  for (const dep of Object.keys(entry.optionalDependencies)) {
    if (!resolvable(dep)) {
      delete entry.optionalDependencies[dep]
      pruned++
    }
  }
  if (Object.keys(entry.optionalDependencies).length === 0) delete entry.optionalDependencies
}
if (pruned > 0) {
  fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`)
  console.log(`prune-lock: removed ${pruned} optional edges the registry could not supply`)
}
