/**
 * The fixed sets the economy is indexed by: occupations (task groups), sectors and power sources.
 * Code refers to members by name (`SECTOR.industry`, `OCC.manualRoutine`); the index constants are
 * derived from the name arrays, so reordering or adding a member cannot leave a stale literal.
 */

/** The fixed occupations (task groups). Cognitive ones are automated by AI, physical ones by robots. */
export const OCCUPATIONS = ["cognitiveRoutine", "cognitiveExpert", "manualRoutine", "manualDexterous"] as const
export const OCCUPATION_KIND = ["cognitive", "cognitive", "physical", "physical"] as const
/** The fixed sectors; each has a value share of world GDP and a task mix over the occupations. */
export const SECTORS = ["knowledge", "services", "industry", "agriculture"] as const
/** Power sources for data centres. */
export const POWER_SOURCES = ["grid", "gas", "solar"] as const

export type Occupation = (typeof OCCUPATIONS)[number]
export type Sector = (typeof SECTORS)[number]
export type PowerSource = (typeof POWER_SOURCES)[number]

const indexOf = <const N extends string>(names: ReadonlyArray<N>): { readonly [K in N]: number } =>
  Object.fromEntries(names.map((n, i) => [n, i])) as { [K in N]: number }

/** Index of each occupation in per-occupation arrays. */
export const OCC = indexOf(OCCUPATIONS)
/** Index of each sector in per-sector arrays. */
export const SECTOR = indexOf(SECTORS)
/** Index of each power source in per-source arrays. */
export const POWER = indexOf(POWER_SOURCES)

export const S = SECTORS.length
export const K = OCCUPATIONS.length
export const NP = POWER_SOURCES.length

/** Industry and agriculture make the goods basket. */
export const GOODS_SECTORS: ReadonlyArray<number> = [SECTOR.industry, SECTOR.agriculture]
