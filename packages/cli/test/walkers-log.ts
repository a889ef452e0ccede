import { defaultKeyPath, LogFileWriter, loadOrCreateSigner, Simulation } from "@takeoff/core"
import { walkersModel } from "@takeoff/core/walkers"

/** Writes a closed walkers log (core's example model) to `file`, signed with the tests' key (see helpers.ts). */
export const writeWalkersLog = (file: string, seed: number, ticks: number): void => {
  const sim = Simulation.create(
    walkersModel,
    { agents: 40, teleportProbability: 0.3 },
    {
      seed,
      stateHashEvery: 4,
      snapshotEvery: 8,
      signer: loadOrCreateSigner(defaultKeyPath(process.env)),
    },
  )
  const w = LogFileWriter.create(file, sim.headerLine, { overwrite: true })
  for (let i = 0; i < ticks; i++) w.write(sim.step().text)
  w.close(sim.endLine("completed"))
}
