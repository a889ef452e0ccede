import { describe, expect, it } from "vitest"
import { formatNumber, formatValue } from "./format.js"

describe("formatNumber", () => {
  it("uses the short scale with 3 significant digits", () => {
    expect(formatNumber(3.34e11)).toBe("334B")
    expect(formatNumber(1.9e14)).toBe("190T")
    expect(formatNumber(108_000)).toBe("108k")
    expect(formatNumber(2_940)).toBe("2.94k")
    expect(formatNumber(-4.5e6)).toBe("-4.5M")
    expect(formatNumber(12.345)).toBe("12.3")
    expect(formatNumber(0.5)).toBe("0.5")
    expect(formatNumber(0)).toBe("0")
  })
  it("carries a rounding overflow into the next suffix", () => {
    expect(formatNumber(999_950)).toBe("1M")
    expect(formatNumber(999.96)).toBe("1k")
  })
  it("writes scientific notation outside [1e-3, 1e15)", () => {
    expect(formatNumber(5.94e15)).toBe("5.94e15")
    expect(formatNumber(6.3e26)).toBe("6.30e26")
    expect(formatNumber(2e-4)).toBe("2.00e-4")
  })
  it("prints a dash for missing or non-finite values", () => {
    expect(formatNumber(null)).toBe("–")
    expect(formatNumber(undefined)).toBe("–")
    expect(formatNumber(Number.NaN)).toBe("–")
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe("–")
  })
})

describe("formatValue", () => {
  it("prints shares and rates of shares as percentages", () => {
    expect(formatValue(0.1234, "fraction")).toBe("12.3%")
    expect(formatValue(0.433, "fraction/yr")).toBe("43.3%/yr")
    expect(formatValue(1e-6, "fraction")).toBe("<0.01%")
    expect(formatValue(0.98, "share")).toBe("98%")
  })
  it("puts money behind a dollar sign and keeps the rest of the unit", () => {
    expect(formatValue(3.05e13, "USD/yr (2023 prices)")).toBe("$30.5T/yr (2023 prices)")
    expect(formatValue(2.5e12, "USD")).toBe("$2.5T")
    expect(formatValue(-1200, "USD/yr")).toBe("-$1.2k/yr")
    expect(formatValue(2.1, "USD per million tokens")).toBe("$2.1 per million tokens")
  })
  it("prints calendar years as years", () => {
    expect(formatValue(2024, "year")).toBe("2024")
    expect(formatValue(2031.5, "year")).toBe("2031.5")
    expect(formatValue(12, "years")).toBe("12 years")
  })
  it("writes other units after the number", () => {
    expect(formatValue(3.34e11, "robots")).toBe("334B robots")
    expect(formatValue(6.3e26, "FLOP/s")).toBe("6.30e26 FLOP/s")
    expect(formatValue(3.2, "x")).toBe("3.2×")
    expect(formatValue(2.6, "×")).toBe("2.6×")
    expect(formatValue(0.957, "0..1")).toBe("0.957")
    expect(formatValue(42)).toBe("42")
  })
})
