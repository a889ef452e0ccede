/**
 * One row of the parameter registry: every number a scenario sets, with its unit, bounds and
 * meaning. Each mechanism declares the rows it reads; `params.ts` gathers them, and the union of
 * their paths is `ParamPath`, the only keys `Derived.v` accepts.
 */
export interface ParamSpec {
  readonly path: string
  readonly group: string
  readonly label: string
  readonly unit: string
  readonly min: number
  readonly max: number
  readonly integer: boolean
  readonly description: string
}

/**
 * A registry row whose path keeps its literal type (template paths keep their template type).
 *
 * @example
 * param("robots.markup", "fraction", 0, 10, "Robot markup", "Price over unit cost.")
 */
export const param = <const P extends string>(
  path: P,
  unit: string,
  min: number,
  max: number,
  label: string,
  description: string,
  integer = false,
): ParamSpec & { readonly path: P } => ({
  path,
  group: path.split(".")[0],
  label,
  unit,
  min,
  max,
  integer,
  description,
})
