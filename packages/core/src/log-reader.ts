import { withDrawBudget } from "./columns.js"
import { EventRejected, LogError } from "./errors.js"
import type { EncodedEvent, Event } from "./events.js"
import { isDecodeFailure } from "./events.js"
import { type LogHeader, parseHeader, type TickRecord } from "./log.js"
import type { Model, ModelUpcaster } from "./model.js"

/**
 * The one place that reads the shape of log lines. Every reader of logs (replay, verify,
 * resimulate, the file log, the server's event index, the CLI) classifies lines here.
 *
 * Lines are written canonically by the engine, so every record line starts `{"kind":"<kind>",` and
 * every record but the header goes on `"tick":<n>,`: a line's kind and tick are read from that
 * prefix without parsing the line (a tick line of a large model is megabytes of JSON).
 */

/**
 * A log as a sequence of lines, each without its "\n". A source may set `torn` (read after the
 * iteration ends) to a final fragment that had no "\n": a run cut off mid-write.
 */
export interface LogLines extends Iterable<string> {
  readonly torn?: string | undefined
}

/** What the readers take: the whole text, or its lines one by one (e.g. `readLogLines(file)`). */
export type LogSource = string | Iterable<string>

/**
 * Iterates the lines of log text without splitting it into an array first; `torn` is set once
 * the iteration reaches a final fragment without "\n".
 *
 * @example
 * for (const line of linesOf(text)) count++
 */
export const linesOf = (text: string): LogLines => {
  const source: { torn: string | undefined; [Symbol.iterator](): Iterator<string> } = {
    torn: undefined,
    *[Symbol.iterator]() {
      let pos = 0
      for (;;) {
        const nl = text.indexOf("\n", pos)
        if (nl < 0) break
        yield text.slice(pos, nl)
        pos = nl + 1
      }
      source.torn = pos < text.length ? text.slice(pos) : undefined
    },
  }
  return source
}

export const logLines = (source: LogSource): LogLines => (typeof source === "string" ? linesOf(source) : source)

export type LineKind = "header" | "tick" | "seal" | "snapshot" | "end" | "sig"

const KIND_AT = '{"kind":"'.length
const PREFIX: Readonly<Record<LineKind, string>> = {
  header: '{"kind":"header",',
  tick: '{"kind":"tick","tick":',
  seal: '{"kind":"seal","tick":',
  snapshot: '{"kind":"snapshot","tick":',
  end: '{"kind":"end","tick":',
  sig: '{"kind":"sig","tick":',
}

/**
 * The kind of the line starting at `at` in `text`, from its first bytes; undefined for anything
 * else (a torn fragment, a foreign line). Does not check the rest of the line: `parseRecord` does.
 *
 * @example
 * lineKind('{"kind":"seal","tick":3,"hash":"..."}') // "seal"
 */
export const lineKind = (text: string, at = 0): LineKind | undefined => {
  let kind: LineKind
  switch (text.charCodeAt(at + KIND_AT)) {
    case 0x74: // t
      kind = "tick"
      break
    case 0x73: {
      // s: seal, snapshot or sig
      const second = text.charCodeAt(at + KIND_AT + 1)
      kind = second === 0x65 ? "seal" : second === 0x69 ? "sig" : "snapshot"
      break
    }
    case 0x65: // e
      kind = "end"
      break
    case 0x68: // h
      kind = "header"
      break
    default:
      return undefined
  }
  return text.startsWith(PREFIX[kind], at) ? kind : undefined
}

/**
 * The tick of a tick, seal, snapshot or end line starting at `at`, read from its prefix (-1 for the
 * end record of a run that sealed nothing); undefined for a header or a line that is none of these.
 *
 * @example
 * lineTick('{"kind":"tick","tick":42,"rng":[...],...}') // 42
 */
export const lineTick = (text: string, at = 0): number | undefined => {
  const kind = lineKind(text, at)
  if (kind === undefined || kind === "header") return undefined
  let i = at + PREFIX[kind].length
  const negative = text.charCodeAt(i) === 0x2d
  if (negative) i++
  let tick = 0
  const first = i
  for (let c = text.charCodeAt(i); c >= 0x30 && c <= 0x39; c = text.charCodeAt(++i)) tick = tick * 10 + (c - 0x30)
  if (i === first) return undefined
  return negative ? -tick : tick
}

/** One line of a log, classified: its 1-based number, its text, its kind and tick (when it has them). */
export interface LogLine {
  readonly n: number
  readonly text: string
  readonly kind: LineKind | undefined
  readonly tick: number | undefined
}

/**
 * Every complete line of a log, classified from its prefix (not parsed).
 *
 * @example
 * for (const l of logLinesOf(text)) if (l.kind === "tick") ticks.push(l.tick)
 */
export function* logLinesOf(source: LogSource): Generator<LogLine> {
  let n = 0
  for (const text of logLines(source)) {
    n++
    yield { n, text, kind: lineKind(text), tick: lineTick(text) }
  }
}

/**
 * The last sealed tick of log text, from the last seal line (found scanning back from the end).
 *
 * @example
 * lastSealedTick(text) // -1 for a log with no sealed tick
 */
export const lastSealedTick = (text: string): number => {
  const i = text.lastIndexOf(`\n${PREFIX.seal}`)
  return i < 0 ? -1 : (lineTick(text, i + 1) ?? -1)
}

/**
 * Cuts a log's text back to its last whole tick: drops a torn final line, a tick line whose seal
 * never made it to disk, and a checkpoint whose snapshot (due every `snapshotEvery` ticks, read
 * from the header) or signature (due once the log has signed before) is missing, and an end
 * record of a signed log without its signature. The engine writes each tick's lines in one write,
 * so a crash leaves only a torn line; the rest covers a file cut at a line boundary. Returns the
 * kept prefix and what was dropped.
 */
export const truncateToSealed = (text: string): { kept: string; lastSealedTick: number; droppedBytes: number } => {
  const firstNl = text.indexOf("\n")
  const snapshotEvery = Number(/"snapshotEvery":(\d+)/.exec(firstNl < 0 ? "" : text.slice(0, firstNl))?.[1] ?? 0)
  let pos = firstNl < 0 ? text.length : firstNl + 1
  let keep = firstNl < 0 ? 0 : pos
  let lastSealed = -1
  let signed = false
  // The tick whose lines are not all there yet, and what it still needs.
  let open: { tick: number; snapshot: boolean; sig: boolean } | undefined
  // Where the log stood before the last whole tick, for a first signature torn after it.
  let before = { keep, lastSealed }
  const settle = () => {
    if (open === undefined || open.snapshot || open.sig) return
    before = { keep, lastSealed }
    if (open.tick >= 0) lastSealed = open.tick
    open = undefined
    keep = pos
  }
  while (pos < text.length) {
    const nl = text.indexOf("\n", pos)
    if (nl < 0) break
    const line = text.slice(pos, nl)
    pos = nl + 1
    // Every line is written whole with its "\n", so a line that has its "\n" is whole.
    const kind = lineKind(line)
    if (kind === "seal") {
      const tick = lineTick(line)
      if (tick === undefined || open !== undefined) break
      const checkpoint = line.includes('"state":')
      open = {
        tick,
        snapshot: checkpoint && snapshotEvery > 0 && (tick + 1) % snapshotEvery === 0,
        sig: checkpoint && signed,
      }
    } else if (kind === "snapshot") {
      if (open === undefined || !open.snapshot) break
      open.snapshot = false
    } else if (kind === "sig") {
      // The first signature of a log follows a tick already counted whole (it was not yet known
      // that the log is signed): it belongs to that tick.
      signed = true
      if (open !== undefined) open.sig = false
      else keep = pos
    } else if (kind === "end") {
      if (open !== undefined) break
      open = { tick: -1, snapshot: false, sig: signed }
    } else if (kind !== "tick" || open !== undefined) break
    settle()
  }
  // A torn first signature: the tick before it was counted whole only because the log had not
  // signed yet, so it goes too.
  // (A fragment of at most `{"kind":"` could begin a tick line as well: it is taken for one.)
  const torn = text.slice(pos, pos + PREFIX.sig.length)
  if (keep === pos && torn.length > KIND_AT && !signed && PREFIX.sig.startsWith(torn)) {
    ;({ keep, lastSealed } = before)
  }
  const kept = text.slice(0, keep)
  return { kept, lastSealedTick: lastSealed, droppedBytes: Buffer.byteLength(text) - Buffer.byteLength(kept) }
}

/**
 * The error for a log whose write stopped inside its header: every line ends in "\n", so a log
 * with no newline at all has no complete record, nothing sealed to replay or repair.
 */
export const headerTruncated = (characters: number): LogError =>
  new LogError({
    reason: "truncated",
    line: 1,
    message: `the log ends inside its header (${characters} characters, no newline): nothing was sealed`,
  })

/** The header line of `lines` (its first), or a `truncated` error when the log ends inside it. */
export const headerLineOf = (lines: LogLines, first: IteratorResult<string>): string | undefined => {
  if (!first.done) return first.value
  if (lines.torn !== undefined && lines.torn.length > 0) throw headerTruncated(lines.torn.length)
  return undefined
}

/** A log's header checked against the model that reads it, and how to read its records. */
export interface OpenedHeader<S, E extends Event, C> {
  readonly header: LogHeader
  readonly config: C
  /** One tick's events, decoded (upcast first when the log is of an earlier model version). */
  readonly decodeTick: (rec: TickRecord, n: number) => E[]
  /** A snapshot's state, decoded (upcast likewise). */
  readonly decodeState: (json: unknown) => S
}

const refuseVersion = (model: Model<any, any, any>, header: LogHeader, why: string): LogError =>
  new LogError({
    reason: "model-version",
    line: 1,
    message: `the log was written by ${header.model} ${header.modelVersion}, this build is ${model.name} ${model.version}${why}: read it with the build that wrote it`,
  })

/**
 * How to read a log of `header`'s model version: undefined when it is this model's version, the
 * model's upcaster when it has one for that version; a `model-version` LogError naming line 1
 * otherwise (and always with `upcast: false`).
 *
 * @example
 * upcasterFor(model, parseHeader(firstLine))
 */
export const upcasterFor = (
  model: Model<any, any, any>,
  header: LogHeader,
  options: { readonly upcast?: boolean } = {},
): ModelUpcaster | undefined => {
  if (header.modelVersion === model.version) return undefined
  if (options.upcast === false) throw refuseVersion(model, header, " (a rerun writes only this version)")
  const upcaster = model.upcasters?.[header.modelVersion]
  if (upcaster === undefined) throw refuseVersion(model, header, ` and cannot upcast ${header.modelVersion}`)
  return upcaster
}

/**
 * Header checks shared by every reader: the log must be of this model and of its version, unless
 * the model declares an upcaster from the log's version (`upcast: false` refuses even then, for
 * `resimulate`, which can only reproduce what this version writes).
 *
 * @example
 * const { header, config, decodeTick } = checkHeader(model, text.slice(0, text.indexOf("\n")))
 */
export const checkHeader = <S, E extends Event, C>(
  model: Model<S, E, C>,
  headerLine: string | undefined,
  options: { readonly upcast?: boolean } = {},
): OpenedHeader<S, E, C> => {
  if (headerLine === undefined || headerLine.length === 0) {
    throw new LogError({ reason: "missing-header", line: 1, message: "the log is empty" })
  }
  const header = parseHeader(headerLine)
  if (header.model !== model.name) {
    throw new LogError({
      reason: "model-mismatch",
      line: 1,
      message: `log is for model "${header.model}", not "${model.name}"`,
    })
  }
  const upcaster = upcasterFor(model, header, options)
  if (header.schemaVersion > model.catalogue.schemaVersion) {
    throw new LogError({
      reason: "schema-version",
      line: 1,
      message: `schemaVersion ${header.schemaVersion} is newer than this build (${model.catalogue.schemaVersion})`,
    })
  }
  let config: C
  try {
    config = model.decodeConfig(upcaster?.config ? upcaster.config(header.config) : header.config)
  } catch (e) {
    throw new LogError({ reason: "malformed", line: 1, message: `header.config: ${(e as Error).message}` })
  }
  const upcastEvents = upcaster?.events
  const upcastState = upcaster?.state
  // One budget of redrawn column values per line: a line of many tiny drawn forms is refused, not an out-of-memory.
  const decodeTick = (rec: TickRecord, n: number): E[] =>
    withDrawBudget(() => {
      const encoded: ReadonlyArray<EncodedEvent> = upcastEvents ? upcastEvents(rec.events, rec.tick) : rec.events
      const out = new Array<E>(encoded.length)
      for (let i = 0; i < encoded.length; i++) {
        const ev = model.catalogue.decode(encoded[i])
        if (isDecodeFailure(ev)) {
          throw new LogError({ reason: ev.reason, line: n, tick: rec.tick, message: `events[${i}]: ${ev.message}` })
        }
        out[i] = ev as E
      }
      return out
    })
  const decodeState = (json: unknown): S => model.decodeState(upcastState ? upcastState(json) : json, config)
  return { header, config, decodeTick, decodeState }
}

/**
 * Applies one tick's decoded events to the state with the model's reducer, for readers of a log
 * (replay, verify): an event the reducer rejects (`EventRejected`) is a `bad-event-data` LogError
 * naming line `n`, the tick and the event.
 *
 * @example
 * state = evolveTick(model, state, decodeTick(rec, n), rec.tick, n)
 */
export const evolveTick = <S, E extends Event>(
  model: Pick<Model<S, E, unknown>, "evolve">,
  state: S,
  events: ReadonlyArray<E>,
  tick: number,
  n: number,
): S => {
  let s = state
  for (let j = 0; j < events.length; j++) {
    try {
      s = model.evolve(s, events[j], tick)
    } catch (e) {
      if (!(e instanceof EventRejected)) throw e
      throw new LogError({
        reason: "bad-event-data",
        line: n,
        tick,
        message: `events[${j}]: ${events[j].type}.data: ${e.message}`,
      })
    }
  }
  return s
}
