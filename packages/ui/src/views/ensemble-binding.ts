import type { CreateSweepRequest, ScenarioDetail } from "@takeoff/protocol"
import { html } from "lit"
import type { EnsembleController } from "../controllers/ensemble.js"
import "./ensemble.js"

const detail = <T>(e: Event): T => (e as CustomEvent<T>).detail

/**
 * The Ensemble view bound to its controller: the controller's data in, the view's events to the
 * controller; a member to open goes to `openRun` once the server has started it as a run.
 */
export const ensembleView = (
  e: EnsembleController,
  page: { scenarios: ReadonlyArray<ScenarioDetail>; scenario: string; overrides: Record<string, string> },
  openRun: (id: string) => unknown,
) =>
  html`<tk-ensemble-view .scenarios=${page.scenarios} .scenario=${page.scenario} .overrides=${page.overrides}
    .sweeps=${e.sweeps} .detail=${e.detail} .fan=${e.fan} .metric=${e.metric} .formError=${e.formError} ?busy=${e.busy}
    .fanFile=${e.fanFile} @fan-file=${(ev: Event) => void e.loadFanFile(detail<File>(ev))}
    @sweep-request=${(ev: Event) => void e.start(detail<CreateSweepRequest>(ev))} @sweep-stop=${() => void e.stop()}
    @sweep-resume=${() => void e.resume()}
    @sweep-metric=${(ev: Event) => void e.pickMetric(detail<string>(ev))}
    @sweep-member=${async (ev: Event) => {
      const id = await e.memberRun(detail<number>(ev))
      if (id === undefined) return
      await openRun(id)
      // The table is far down the page: the run opens at its top, not where the row was.
      scrollTo(0, 0)
    }}></tk-ensemble-view>`
