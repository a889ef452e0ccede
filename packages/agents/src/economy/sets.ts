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
/**
 * Power sources of the one power system. `grid` is the existing fleet (fossil, hydro, wind,
 * nuclear) and new grid-connected plant; the others are what can be added beside it.
 */
export const POWER_SOURCES = ["grid", "gas", "solar", "nuclear"] as const
/** Users of the power system, each with its own demand and willingness to pay (`economy/power.ts`). */
export const POWER_USERS = ["dataCentres", "robots", "factories", "rest"] as const

/**
 * The foundries that make AI accelerators (`mechanisms/foundries.ts`): the leading-edge foundry and
 * its followers. Each stands for the supply chain of the accelerators made on its lines (the wafer
 * maker, its packaging and the chip designers it serves).
 */
export const FOUNDRIES = ["tsmc", "samsung", "intel", "smic"] as const
/**
 * The robot makers (`mechanisms/robot-makers.ts`): the incumbents of 2024 by where they are based,
 * then humanoid entrants.
 */
export const ROBOT_MAKERS = ["japan", "europe", "china", "tesla", "unitree"] as const

/** Each supplier's name for people (feeds, charts, audits). */
export const SUPPLIER_NAMES: Readonly<Record<Foundry | RobotMaker, string>> = {
  tsmc: "TSMC",
  samsung: "Samsung Foundry",
  intel: "Intel Foundry",
  smic: "SMIC",
  japan: "Japanese robot makers",
  europe: "European robot makers",
  china: "Chinese robot makers",
  tesla: "Tesla (Optimus)",
  unitree: "Unitree",
}

/**
 * Material classes (`mechanisms/materials.ts`): steel (iron content), cement, aluminium and copper,
 * each with its own extraction and refining capacity and planetary resource.
 */
export const MATERIALS = ["steel", "cement", "aluminium", "copper"] as const
/** Users of materials, each with its own demand and willingness to pay. */
export const MATERIAL_USERS = ["robots", "power", "factories", "rest"] as const

export type Occupation = (typeof OCCUPATIONS)[number]
export type Sector = (typeof SECTORS)[number]
export type PowerSource = (typeof POWER_SOURCES)[number]
export type PowerUser = (typeof POWER_USERS)[number]
export type Material = (typeof MATERIALS)[number]
export type MaterialUser = (typeof MATERIAL_USERS)[number]

const indexOf = <const N extends string>(names: ReadonlyArray<N>): { readonly [K in N]: number } =>
  Object.fromEntries(names.map((n, i) => [n, i])) as { [K in N]: number }

/** Index of each occupation in per-occupation arrays. */
export const OCC = indexOf(OCCUPATIONS)
/** Index of each sector in per-sector arrays. */
export const SECTOR = indexOf(SECTORS)
/** Index of each power source in per-source arrays. */
export const POWER = indexOf(POWER_SOURCES)
/** Index of each power user in per-user arrays. */
export const USER = indexOf(POWER_USERS)
/** Index of each material class in per-material arrays. */
export const MATERIAL = indexOf(MATERIALS)
/** Index of each materials user in per-user arrays (user-major: user x NM + material). */
export const MUSER = indexOf(MATERIAL_USERS)

/** Index of each foundry in per-foundry arrays. */
export const FOUNDRY = indexOf(FOUNDRIES)
/** Index of each robot maker in per-maker arrays. */
export const MAKER = indexOf(ROBOT_MAKERS)
export type Foundry = (typeof FOUNDRIES)[number]
export type RobotMaker = (typeof ROBOT_MAKERS)[number]
export const NFD = FOUNDRIES.length
export const NMK = ROBOT_MAKERS.length
export const S = SECTORS.length
export const K = OCCUPATIONS.length
export const NP = POWER_SOURCES.length
export const NU = POWER_USERS.length
export const NM = MATERIALS.length
export const NMU = MATERIAL_USERS.length

/** Industry and agriculture make the goods basket. */
export const GOODS_SECTORS: ReadonlyArray<number> = [SECTOR.industry, SECTOR.agriculture]
