import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { stringify } from "yaml"
import { PARAMS } from "./params.js"
import { loadScenario, ScenarioError } from "./scenario.js"

/**
 * Scenario files from anyone: whatever the YAML, `loadScenario` returns a config or throws a
 * ScenarioError naming the file and the field, never anything else. 2,000 generated files.
 */
const dir = mkdtempSync(join(tmpdir(), "takeoff-scn-fuzz-"))
const file = join(dir, "fuzzed.yaml")

const scalar = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 12 }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom("1e400", "NaN", ".inf", "-0", "0x10"),
)
const distribution = fc.record(
  {
    type: fc.oneof(fc.constantFrom("normal", "lognormal", "uniform", "triangular"), fc.string({ maxLength: 8 })),
    mean: scalar,
    sd: scalar,
    median: scalar,
    sigma: scalar,
    min: scalar,
    max: scalar,
    mode: scalar,
  },
  { requiredKeys: ["type"] },
)
const leaf = fc.oneof(
  scalar,
  fc.record(
    {
      value: scalar,
      source: fc.string({ maxLength: 10 }),
      assumption: fc.oneof(fc.boolean(), scalar),
      note: scalar,
      distribution: fc.oneof(distribution, scalar),
      extra: scalar,
    },
    { requiredKeys: [] },
  ),
  fc.array(scalar, { maxLength: 3 }),
)
const paramPath = fc.oneof(
  fc.constantFrom(...PARAMS.map((p) => p.path)),
  fc.array(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 }).map((p) => p.join(".")),
)
/** `parameters:` as the registry groups them: `group: { key: leaf }`, with nonsense mixed in. */
const parameters = fc.oneof(
  fc.array(fc.tuple(paramPath, leaf), { maxLength: 6 }).map((entries) => {
    const out: Record<string, Record<string, unknown>> = {}
    for (const [path, value] of entries) {
      const [group, ...rest] = path.split(".")
      const key = rest.join(".") || "x"
      out[group] = { ...(out[group] ?? {}), [key]: value }
    }
    return out
  }),
  scalar,
  fc.array(scalar, { maxLength: 3 }),
)
const scenarioDoc = fc.record(
  {
    name: fc.oneof(fc.string({ maxLength: 10 }), scalar),
    title: scalar,
    description: scalar,
    extends: fc.oneof(fc.constantFrom("baseline", "nope", "fuzzed", "../../etc/passwd", "fuzzed.yaml"), scalar),
    start: fc.oneof(fc.constantFrom("2024-01", "2024-13", "1999-00", "x"), scalar),
    endYear: fc.oneof(fc.integer({ min: 1900, max: 3000 }), scalar),
    parameters,
    unexpected: scalar,
  },
  { requiredKeys: [] },
)
/** Nesting is cheap to write and dear to parse: kept shallow here, and one 20k-deep file below. */
const yamlText = fc.oneof(
  { weight: 6, arbitrary: scenarioDoc.map((doc) => stringify(doc)) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 300 }) },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 400 }).map((n) => nestedBrackets(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 10, max: 80 }).map((n) => nestedMappings(n)) },
  {
    weight: 1,
    arbitrary: fc.constant(
      "a: &a [1,2]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nparameters: [*c,*c,*c,*c,*c,*c]\n",
    ),
  },
)
const nestedBrackets = (n: number) => `parameters: ${"[".repeat(n)}${"]".repeat(n)}\n`
const nestedMappings = (n: number) =>
  `parameters:\n  a:\n${Array.from({ length: n }, (_, i) => `${"  ".repeat(i + 2)}k${i}:`).join("\n")} 1\n`

const expectLoadsOrNamed = (text: string, set: ReadonlyArray<readonly [string, string]> = []) => {
  writeFileSync(file, text)
  try {
    loadScenario(file, { set })
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(ScenarioError)
    const err = e as ScenarioError
    expect(err.file.length).toBeGreaterThan(0)
    expect(err.field.length).toBeGreaterThan(0)
    expect(err.message.length).toBeGreaterThan(0)
  }
}

describe("fuzzing scenario files", () => {
  // A bound on a loaded machine, not a timing assertion: 2,000 files take about 30 s on one core.
  it("loads or refuses by file and field 2,000 generated scenario files", { timeout: 240_000 }, () => {
    fc.assert(
      fc.property(yamlText, fc.array(fc.tuple(paramPath, fc.string({ maxLength: 8 })), { maxLength: 2 }), (text, set) =>
        expectLoadsOrNamed(text, set),
      ),
      { numRuns: 2000 },
    )
  })

  it("refuses a file nested 20,000 deep by name, not with a stack overflow", () => {
    expectLoadsOrNamed(nestedBrackets(20_000))
    expect(() => loadScenario(file)).toThrow(/not valid YAML/)
  })
})
