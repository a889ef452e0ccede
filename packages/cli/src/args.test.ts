import { describe, expect, it } from "vitest"
import { type CommandSpec, commandHelp, parseArgs } from "./args.js"

const spec: CommandSpec = {
  name: "run",
  summary: "run a scenario",
  args: [{ name: "scenario", help: "scenario name or file" }],
  flags: [
    { name: "seed", kind: "int", value: "N", help: "seed" },
    { name: "rng", kind: "seed", value: "S", help: "a seed as the API takes it" },
    { name: "rate", kind: "number", value: "X", help: "a number" },
    { name: "set", kind: "list", value: "path=value", help: "override" },
    { name: "json", kind: "boolean", help: "json" },
    { name: "out", alias: "o", kind: "string", value: "FILE", help: "output" },
  ],
}

describe("parseArgs", () => {
  it("parses positionals, typed flags, repeated lists and = forms", () => {
    const p = parseArgs(spec, [
      "baseline",
      "--seed",
      "-3",
      "--set",
      "a.b=1",
      "--set=c=2",
      "--json",
      "-o",
      "x",
      "--rate=1e3",
    ])
    expect(p.args).toEqual({ scenario: "baseline" })
    expect(p.flags).toEqual({ seed: -3, set: ["a.b=1", "c=2"], json: true, out: "x", rate: 1000 })
  })

  it("names the flag and what it expected", () => {
    expect(() => parseArgs(spec, ["b", "--seed", "7.5"])).toThrow('--seed: expected an integer, got "7.5"')
    expect(() => parseArgs(spec, ["b", "--seed"])).toThrow("--seed needs a value (N)")
    expect(() => parseArgs(spec, ["b", "--rate", "x"])).toThrow('--rate: expected a number, got "x"')
    expect(() => parseArgs(spec, ["b", "--json=1"])).toThrow("--json takes no value")
    // A seed has the API's range, so -1 is refused here as it is there.
    expect(() => parseArgs(spec, ["b", "--rng", "-1"])).toThrow(
      '--rng: expected an integer in [0, 9007199254740991], got "-1"',
    )
    expect(() => parseArgs(spec, ["b", "--rng", "9007199254740992"])).toThrow(
      "--rng: expected an integer in [0, 9007199254740991]",
    )
    expect(parseArgs(spec, ["b", "--rng", "4440297914450833"]).flags).toEqual({ rng: 4440297914450833 })
    expect(() => parseArgs(spec, ["b", "--nope"])).toThrow("unknown option --nope (see takeoff run --help)")
    expect(() => parseArgs(spec, [])).toThrow("missing <scenario> (scenario name or file)")
    expect(() => parseArgs(spec, ["a", "b"])).toThrow('unexpected argument "b"')
  })

  it("--help wins over missing arguments", () => {
    expect(parseArgs(spec, ["--help"]).help).toBe(true)
    expect(commandHelp(spec)).toContain("--set path=value ...")
  })
})
