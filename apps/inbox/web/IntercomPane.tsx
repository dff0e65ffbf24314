/**
 * The right column: the thread as Intercom receives it, in the API 2.11 shape (the default, lossless) and the
 * classic shape, with the fields the mapping table calls lossy highlighted. Losses are not guessed from the
 * table: the server maps the thread to Intercom and back and reports each Drift value that did not come back.
 */
import { Intercom } from "@parley/schema"
import { Schema } from "effect"
import type { ComponentChildren } from "preact"
import { useMemo } from "preact/hooks"
import type * as Model from "../src/Model.ts"
import * as format from "./format.ts"
import * as route from "./route.ts"

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }
type Path = ReadonlyArray<string | number>

const encodeV2 = Schema.encodeSync(Intercom.ConversationV2)
const encodeClassic = Schema.encodeSync(Intercom.Conversation)

const keyOf = (path: Path): string => JSON.stringify(path)

/** The deepest prefix of `path` that exists in `json` (a lost field may be absent from the Intercom JSON). */
const existing = (json: Json, path: Path): Path => {
  let node: Json | undefined = json
  const out: Array<string | number> = []
  for (const segment of path) {
    if (node === null || typeof node !== "object") break
    const next: Json | undefined = Array.isArray(node)
      ? (node as ReadonlyArray<Json>)[segment as number]
      : (node as { readonly [key: string]: Json })[String(segment)]
    if (next === undefined) break
    out.push(segment)
    node = next
  }
  return out
}

interface Marks {
  readonly lossy: ReadonlyMap<string, ReadonlyArray<string>>
  readonly carried: boolean
}

const JsonValue = (props: {
  readonly value: Json
  readonly path: Path
  readonly name: string | number | undefined
  readonly last: boolean
  readonly marks: Marks
}): ComponentChildren => {
  const { value, path, name, marks } = props
  const rules = marks.lossy.get(keyOf(path))
  const carried = marks.carried && path.length === 2 && path[0] === "custom_attributes" &&
    String(path[1]).startsWith("drift_")
  const cls = rules !== undefined ? " lossy" : carried ? " carried" : ""
  const title = rules !== undefined
    ? `Lossy in this shape: ${rules.join("; ")}`
    : carried
    ? "A Drift-only field carried here, so mapping back is exact"
    : undefined
  const label = name === undefined
    ? null
    : typeof name === "number"
    ? null
    : <span class="json-key">{`"${name}": `}</span>
  const comma = props.last ? "" : ","
  const common = {
    "data-path": format.path(path),
    "data-lossy": rules !== undefined ? "true" : undefined,
    title
  }
  if (value !== null && typeof value === "object") {
    const entries: ReadonlyArray<readonly [string | number, Json]> = Array.isArray(value)
      ? (value as ReadonlyArray<Json>).map((v, i) => [i, v] as const)
      : Object.entries(value as { readonly [key: string]: Json })
    const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"]
    if (entries.length === 0) {
      return <div class={`json-line${cls}`} {...common}>{label}{open}{close}{comma}</div>
    }
    return (
      <div class={`json-block${cls}`} {...common}>
        <div class="json-line">{label}{open}</div>
        <div class="json-children">
          {entries.map(([k, v], i) => (
            <JsonValue key={k} value={v} path={[...path, k]} name={k} last={i === entries.length - 1} marks={marks} />
          ))}
        </div>
        <div class="json-line">{close}{comma}</div>
      </div>
    )
  }
  return (
    <div class={`json-line${cls}`} {...common}>
      {label}
      <span class={`json-${value === null ? "null" : typeof value}`}>{JSON.stringify(value)}</span>
      {comma}
    </div>
  )
}

interface Group {
  readonly field: string
  readonly rule: string
  readonly count: number
  readonly example: Model.Loss
  readonly placed: boolean
}

const groups = (losses: ReadonlyArray<Model.Loss>): ReadonlyArray<Group> => {
  const out = new Map<string, Group>()
  for (const loss of losses) {
    const field = format.path(loss.drift).replace(/\[\d+\]/g, "[*]")
    const key = `${field}|${loss.rule}`
    const known = out.get(key)
    out.set(
      key,
      known === undefined
        ? { field, rule: loss.rule, count: 1, example: loss, placed: loss.intercom !== null }
        : { ...known, count: known.count + 1 }
    )
  }
  return [...out.values()]
}

const LossList = (props: { readonly losses: ReadonlyArray<Model.Loss> }) => (
  <ul class="loss-list" data-testid="loss-list">
    {groups(props.losses).map((g) => (
      <li key={`${g.field}|${g.rule}`} class={g.placed ? "" : "unplaced"}>
        <code>{g.field}</code>
        {g.count > 1 ? <span class="muted">{` ×${g.count}`}</span> : null}
        <span>{` — ${g.rule}`}</span>
        {g.placed ? null : <span class="muted">{" (no field in Intercom)"}</span>}
        <div class="loss-example muted">
          sent <code>{g.example.sent}</code> → back <code>{g.example.back}</code>
        </div>
      </li>
    ))}
  </ul>
)

export const IntercomPane = (props: { readonly view: Model.IntercomView; readonly shape: route.Shape }) => {
  const { view, shape } = props
  const json = useMemo(
    () => (shape === "v2" ? encodeV2(view.v2) : encodeClassic(view.classic)) as Json,
    [view, shape]
  )
  const losses = shape === "v2" ? view.lossesV2 : view.lossesClassic
  const marks = useMemo((): Marks => {
    const lossy = new Map<string, Array<string>>()
    for (const loss of losses) {
      if (loss.intercom === null) continue
      const key = keyOf(existing(json, loss.intercom))
      const rules = lossy.get(key) ?? []
      if (!rules.includes(loss.rule)) rules.push(loss.rule)
      lossy.set(key, rules)
    }
    return { lossy, carried: shape === "v2" }
  }, [json, losses, shape])
  return (
    <div class="intercom" data-testid="intercom-pane" data-shape={shape}>
      <div class="tabs" role="tablist">
        <a
          role="tab"
          aria-selected={shape === "v2"}
          class={`tab${shape === "v2" ? " active" : ""}`}
          href={route.href({ shape: "v2" })}
          data-testid="tab-v2"
        >
          Intercom API 2.11{" "}
          <span class="tab-note">{view.lossesV2.length === 0 ? "lossless" : `${view.lossesV2.length} lost`}</span>
        </a>
        <a
          role="tab"
          aria-selected={shape === "classic"}
          class={`tab${shape === "classic" ? " active" : ""}`}
          href={route.href({ shape: "classic" })}
          data-testid="tab-classic"
        >
          Intercom classic{" "}
          <span class="tab-note lossy-note">{format.plural(view.lossesClassic.length, "value")} lost</span>
        </a>
      </div>
      <div class="loss-summary" data-testid="loss-summary">
        {losses.length === 0
          ? (
            <p class="ok">
              Nothing is lost: mapped back to Drift, this thread comes back exactly. Drift-only fields are carried in
              {" "}
              <code>custom_attributes</code> (outlined).
            </p>
          )
          : (
            <>
              <p>
                Mapped back to Drift, {format.plural(losses.length, "value")}{" "}
                of this thread do not come back. Highlighted below where the shape has a field for them:
              </p>
              <LossList losses={losses} />
            </>
          )}
      </div>
      <div class="json" data-testid="intercom-json">
        <JsonValue value={json} path={[]} name={undefined} last={true} marks={marks} />
      </div>
    </div>
  )
}
