/**
 * Reading logs of earlier model versions. 0.3.0 added parameters (the automation requirement shift
 * and FLOP-gap scale, the financing bust, the inference markup); a 0.2.0 header gets them at the
 * values that reproduce 0.2.0's behaviour, so its logs still replay, verify and audit (replay
 * reads the recorded facts; only resimulate needs the writing version, and it refuses others).
 */

/** Each parameter 0.3.0 added, at its 0.2.0-equivalent value. */
export const ADDED_IN_0_3_0: Readonly<Record<string, number>> = {
  "ai.requirementShiftLog10": 0,
  "ai.flopGapScale": 1,
  "ai.bustPatienceYears": 0,
  "ai.bustRevenueToFunding": 0,
  // Elasticity 0: investors never stall, as in 0.2.0.
  "ai.bustElasticity": 0,
  // 0.2.0 labs earned the full task value; the largest markup the registry allows is the nearest.
  "ai.inferenceMarkup": 100,
}

const isObj = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * A 0.2.0 header's config with the parameters 0.3.0 added.
 *
 * @example
 * upcastConfigFrom0_2_0(header.config).values["ai.flopGapScale"] // 1
 */
export const upcastConfigFrom0_2_0 = (json: unknown): unknown => {
  if (!isObj(json)) return json
  const values = isObj(json.values) ? json.values : {}
  const meta = isObj(json.meta) ? json.meta : {}
  const added = Object.keys(ADDED_IN_0_3_0).filter((p) => !(p in values))
  return {
    ...json,
    values: { ...values, ...Object.fromEntries(added.map((p) => [p, ADDED_IN_0_3_0[p]])) },
    meta: {
      ...meta,
      ...Object.fromEntries(
        added.map((p) => [p, { assumption: true, note: "added when reading a model 0.2.0 log (its behaviour)" }]),
      ),
    },
  }
}
