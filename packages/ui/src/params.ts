import type { ParameterInfo } from "@takeoff/protocol"

/**
 * Checks one edited value against its parameter: the type of the default, and min/max.
 * Returns the parsed value, or the message shown beside the field.
 * @example validateParameter({ path: "a", value: 1, min: 0, max: 2 } as ParameterInfo, "3") // { error: "must be at most 2" }
 */
export const validateParameter = (
  p: Pick<ParameterInfo, "value" | "min" | "max" | "unit">,
  text: string,
): { value: unknown } | { error: string } => {
  const t = text.trim()
  if (typeof p.value === "boolean") {
    if (t === "true" || t === "false") return { value: t === "true" }
    return { error: "must be true or false" }
  }
  if (typeof p.value === "number") {
    if (t === "") return { error: "a number is required" }
    const n = Number(t)
    if (!Number.isFinite(n)) return { error: `"${t}" is not a number` }
    if (p.min !== undefined && p.min !== null && n < p.min)
      return { error: `must be at least ${p.min}${p.unit ? ` ${p.unit}` : ""}` }
    if (p.max !== undefined && p.max !== null && n > p.max)
      return { error: `must be at most ${p.max}${p.unit ? ` ${p.unit}` : ""}` }
    return { value: n }
  }
  if (Array.isArray(p.value) || (p.value !== null && typeof p.value === "object")) {
    try {
      return { value: JSON.parse(t) }
    } catch {
      return { error: "must be valid JSON" }
    }
  }
  return { value: t }
}
