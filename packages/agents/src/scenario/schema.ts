import * as Schema from "effect/Schema"
import { GENERATION_FIELDS } from "../economy/generations.js"
import { type Distribution, isObj, type ParamMeta, ScenarioError, specOf, unknownParamMessage } from "./config.js"

/**
 * The Schemas a scenario file is decoded with (a parameter leaf, a distribution, a chip
 * generation), and the translation of a Schema failure into a ScenarioError on the field at fault.
 */

const Finite = Schema.Finite
const NonNegative = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))

/** The distributions a parameter may declare, as a Schema (decoded with the leaf). */
const DistributionSchema = Schema.Union([
  Schema.Struct({ type: Schema.Literal("normal"), mean: Finite, sd: NonNegative }),
  Schema.Struct({
    type: Schema.Literal("lognormal"),
    median: Schema.Finite.check(Schema.isGreaterThan(0)),
    sigma: NonNegative,
  }),
  Schema.Struct({ type: Schema.Literal("uniform"), min: Finite, max: Finite }),
  Schema.Struct({ type: Schema.Literal("triangular"), min: Finite, mode: Finite, max: Finite }),
])

/** Each distribution's fields, for the message when a file gives it a key it does not take. */
const DISTRIBUTION_FIELDS: Readonly<Record<string, string>> = {
  normal: "mean and sd",
  lognormal: "median and sigma",
  uniform: "min and max",
  triangular: "min, mode and max",
}

/** The message for a key a distribution does not take, naming the fields its type does take. */
const distributionKeyMessage = (dist: unknown): string => {
  const type = isObj(dist) ? dist.type : undefined
  const fields = typeof type === "string" ? DISTRIBUTION_FIELDS[type] : undefined
  if (fields !== undefined) return `unknown key; a ${type} distribution takes type, ${fields}`
  const all = Object.entries(DISTRIBUTION_FIELDS).map(([t, f]) => `${t} {${f.replace(/,? and /, ", ")}}`)
  return `unknown key; expected a distribution: ${all.join(", ")}`
}

/** One parameter in a scenario file: its value within the registry's bounds and its provenance. */
const leafSchema = (min: number, max: number) =>
  Schema.Struct({
    value: Schema.Finite.check(Schema.isBetween({ minimum: min, maximum: max })),
    source: Schema.optional(Schema.NonEmptyString),
    assumption: Schema.optional(Schema.Boolean),
    note: Schema.optional(Schema.String),
    distribution: Schema.optional(DistributionSchema),
  })

type Leaf = (typeof leafSchema extends (...a: never[]) => infer S ? S : never)["Type"]
const leafDecoders = new Map<string, (u: unknown) => Leaf>()
const decodeLeaf = (path: string, min: number, max: number) => {
  let d = leafDecoders.get(path)
  if (d === undefined) {
    d = Schema.decodeUnknownSync(leafSchema(min, max), { onExcessProperty: "error" }) as (u: unknown) => Leaf
    leafDecoders.set(path, d)
  }
  return d
}
const decodeDistribution = Schema.decodeUnknownSync(DistributionSchema)

/**
 * Turns a Schema failure ("Expected ...\n  at [\"a\"][\"b\"]") into a ScenarioError on the field
 * path under `prefix`, keeping Schema's statement of what was expected.
 */
export const schemaError = (file: string, prefix: string, e: unknown, got: unknown, unit0?: string): ScenarioError => {
  const text = (e as Error).message ?? String(e)
  const [first, ...rest] = text.split("\n")
  const at =
    rest
      .join(" ")
      .match(/\["([^"]+)"\]/g)
      ?.map((s) => s.slice(2, -2)) ?? []
  const field = at.length === 0 || (at.length === 1 && at[0] === "value") ? prefix : `${prefix}.${at.join(".")}`
  let value: unknown = got
  for (const k of at) value = isObj(value) ? value[k] : undefined
  if (first.startsWith("Missing key"))
    return new ScenarioError({ file, field, message: "missing; expected a number here" })
  if (first.includes("excess property")) {
    const d = at.indexOf("distribution")
    if (d >= 0 || prefix.endsWith(".distribution")) {
      let dist: unknown = got
      for (const k of at.slice(0, d + 1)) dist = isObj(dist) ? dist[k] : undefined
      return new ScenarioError({ file, field, message: distributionKeyMessage(dist) })
    }
    return new ScenarioError({
      file,
      field,
      message: "unknown key; expected value, source, assumption, note or distribution",
    })
  }
  const unit = field === prefix && unit0 !== undefined ? ` (${unit0})` : ""
  const expected = first.replace(/^Expected /, "expected ")
  return new ScenarioError({ file, field, message: `${expected}${unit}, got ${JSON.stringify(value)}` })
}

export const parseDistribution = (file: string, field: string, u: unknown): Distribution => {
  try {
    return decodeDistribution(u) as Distribution
  } catch (e) {
    throw schemaError(file, `${field}.distribution`, e, u)
  }
}

/**
 * A chip generation as a scenario declares it: every field present and within its bounds.
 * Decoded from a config's values, so a missing or out-of-range field is named
 * `chips.<generation>.<field>`.
 */
const GenerationSchema = Schema.Struct(
  Object.fromEntries(
    GENERATION_FIELDS.map((f) => [f.path, Schema.Finite.check(Schema.isBetween({ minimum: f.min, maximum: f.max }))]),
  ),
)
const decodeGeneration = Schema.decodeUnknownSync(GenerationSchema)

/** Checks one chip generation of a config; throws a ScenarioError naming the field. */
export const checkGeneration = (file: string, values: Readonly<Record<string, number>>, generation: string): void => {
  const fields = Object.fromEntries(
    GENERATION_FIELDS.flatMap((f) => {
      const v = values[`chips.${generation}.${f.path}`]
      return v === undefined ? [] : [[f.path, v]]
    }),
  )
  try {
    decodeGeneration(fields)
  } catch (e) {
    throw schemaError(file, `chips.${generation}`, e, fields)
  }
}

export interface Layer {
  values: Record<string, number>
  meta: Record<string, ParamMeta>
  distributions: Record<string, Distribution>
}

/** Flattens the nested `parameters:` mapping into path -> {value, source|assumption, distribution}. */
export const flattenParameters = (file: string, node: unknown, prefix: string, out: Layer): void => {
  if (!isObj(node)) {
    throw new ScenarioError({
      file,
      field: prefix || "parameters",
      message: "expected a mapping of parameter groups, or a leaf {value, source} / {value, assumption: true}",
    })
  }
  if ("value" in node) {
    const path = prefix
    const spec = specOf(path)
    if (spec === undefined) throw new ScenarioError({ file, field: path, message: unknownParamMessage(path) })
    let leaf: Leaf
    try {
      leaf = decodeLeaf(path, spec.min, spec.max)(node)
    } catch (e) {
      throw schemaError(file, path, e, node, spec.unit)
    }
    if (leaf.source === undefined && leaf.assumption !== true) {
      throw new ScenarioError({
        file,
        field: path,
        message: "expected a source: (where the number comes from) or assumption: true",
      })
    }
    out.values[path] = leaf.value
    const base =
      leaf.source === undefined ? { assumption: true } : { source: leaf.source, assumption: leaf.assumption === true }
    out.meta[path] = leaf.note === undefined ? base : { ...base, note: leaf.note }
    if (leaf.distribution !== undefined) out.distributions[path] = leaf.distribution as Distribution
    return
  }
  for (const [k, v] of Object.entries(node)) flattenParameters(file, v, prefix === "" ? k : `${prefix}.${k}`, out)
}
