import type { ColorResolver } from "./chart-options.js"

/**
 * Colours for the canvas: custom properties are read from the element's computed style once and
 * cached (getComputedStyle in every draw forced a style recalculation per frame per chart); a chart
 * forgets its cache when it is rebuilt, which a colour-scheme change does.
 */
const colorCache = new WeakMap<Element, Map<string, string>>()

/** A resolver of spec colours ("--tk-s1" or any CSS colour) against `el`'s theme. */
export const themeColors =
  (el: Element): ColorResolver =>
  (color, fallback) => {
    if (!color) return fallback
    if (!color.startsWith("--")) return color
    let cache = colorCache.get(el)
    if (!cache) colorCache.set(el, (cache = new Map()))
    let value = cache.get(color)
    if (value === undefined) cache.set(color, (value = getComputedStyle(el).getPropertyValue(color).trim()))
    return value || fallback
  }

/** Drops `el`'s cached colours, so the next draw reads the theme again. */
export const forgetThemeColors = (el: Element): void => {
  colorCache.delete(el)
}
