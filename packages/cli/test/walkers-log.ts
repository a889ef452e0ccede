import { LogFileWriter, Simulation } from "@takeoff/core"
import { walkersModel } from "@takeoff/core/walkers"

/** Writes a closed walkers log (core's example model) to `file`. */
export const writeWalkersLog = (file: string, seed: number, ticks: number): void => {
  const sim = Simulation.create(
    walkersModel,
    { agents: 40, teleportProbability: 0.3 },
    {
      seed,
      stateHashEvery: 4,
      snapshotEvery: 8,
    },
  )
  const w = LogFileWriter.create(file, sim.headerLine, { overwrite: true })
  for (let i = 0; i < ticks; i++) w.write(sim.step().text)
  w.close(sim.endLine("completed"))
}
