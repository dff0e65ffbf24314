/**
 * What a sanitized body may contain, judged by the WHATWG parser (parse5) the way a browser's `innerHTML` would
 * read it, and a canonical form of the parsed tree that the browser harness compares with Chromium's own DOM.
 */
import { Html } from "@parley/schema"
import { defaultTreeAdapter, type DefaultTreeAdapterTypes, html as P5, parseFragment } from "parse5"

type ChildNode = DefaultTreeAdapterTypes.ChildNode

/** The allow-list of a policy as plain data, for the browser page and the checks. */
export interface AllowList {
  readonly name: string
  /** tag -> attribute -> allowed URL schemes (`null`: a plain-text attribute) */
  readonly elements: { readonly [tag: string]: { readonly [attribute: string]: ReadonlyArray<string> | null } }
}

/** The allow-list of an `Html.Policy`. */
export const allowList = (policy: Html.Policy): AllowList => {
  const elements: Record<string, Record<string, ReadonlyArray<string> | null>> = {}
  for (const [tag, rule] of Object.entries(policy.elements) as Array<[string, Html.ElementRule | undefined]>) {
    if (rule === undefined) continue
    const attributes: Record<string, ReadonlyArray<string> | null> = {}
    for (const [name, schemes] of Object.entries(rule.urls ?? {})) {
      if (schemes !== undefined) attributes[name] = schemes.map((s: string) => s.toLowerCase())
    }
    for (const name of rule.text ?? []) attributes[name] = null
    elements[tag] = attributes
  }
  return { name: policy.name, elements }
}

/** The two policies Parley ships. */
export const policies: ReadonlyArray<Html.Policy> = [Html.drift, Html.intercom]

const bodyContext = defaultTreeAdapter.createElement("body", P5.NS.HTML, [])

/** Parses `html` as `innerHTML` on a `<div>` in a document body would. */
export const parse = (html: string): ReadonlyArray<ChildNode> => parseFragment(bodyContext, html, {}).childNodes

/**
 * Every way `out` breaks `allow`, judged on its parse: an element outside the allow-list or outside the HTML
 * namespace, an attribute not allowed, a URL that the URL parser rejects or reads with a scheme not allowed, a
 * comment, a required URL attribute missing, a NUL or CR character. Empty when `out` is clean.
 */
export const violations = (out: string, allow: AllowList): Array<string> => {
  const found: Array<string> = []
  if (out.includes("\u0000")) found.push("NUL in output")
  if (out.includes("\r")) found.push("CR in output")
  const stack: Array<ChildNode> = [...parse(out)]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (node.nodeName === "#text") continue
    if (!("tagName" in node)) {
      found.push(`a ${node.nodeName} node`)
      continue
    }
    const rules = node.namespaceURI === P5.NS.HTML ? allow.elements[node.tagName] : undefined
    if (rules === undefined) {
      found.push(`element <${node.tagName}> (${node.namespaceURI})`)
    } else {
      for (const { name, namespace, value } of node.attrs) {
        const schemes = namespace === undefined ? rules[name] : undefined
        if (schemes === undefined) found.push(`attribute ${name} on <${node.tagName}>`)
        else if (schemes !== null) {
          const url = URL.parse(value)
          if (url === null || !schemes.includes(url.protocol.slice(0, -1))) {
            found.push(`${name}=${JSON.stringify(value)} on <${node.tagName}>`)
          }
        }
      }
      for (const [name, schemes] of Object.entries(rules)) {
        if (schemes !== null && !node.attrs.some((a) => a.name === name)) {
          found.push(`<${node.tagName}> without ${name}`)
        }
      }
    }
    stack.push(...node.childNodes)
    if (node.nodeName === "template") {
      stack.push(...(node as DefaultTreeAdapterTypes.Template).content.childNodes)
    }
  }
  return found
}

/**
 * A parsed tree in a canonical, comparable form: text as strings (adjacent text merged), elements as
 * `[namespace:tag, [[attribute, value], ...sorted], children]`, comments as `["#comment", data]`. The browser page
 * builds the same form from its DOM.
 */
export type Tree = ReadonlyArray<string | readonly [string, ReadonlyArray<readonly [string, string]>, Tree]>

const NS_SHORT: Record<string, string> = {
  [P5.NS.HTML]: "html",
  [P5.NS.SVG]: "svg",
  [P5.NS.MATHML]: "math"
}

/** The canonical tree of `html` as parse5 reads it. */
export const treeOf = (html: string): Tree => {
  const convert = (nodes: ReadonlyArray<ChildNode>): Tree => {
    const out: Array<Tree[number]> = []
    for (const node of nodes) {
      if (node.nodeName === "#text") {
        const value = (node as DefaultTreeAdapterTypes.TextNode).value
        const last = out.length - 1
        if (last >= 0 && typeof out[last] === "string") out[last] = (out[last] as string) + value
        else out.push(value)
      } else if (node.nodeName === "#comment") {
        out.push(["#comment", [["data", (node as DefaultTreeAdapterTypes.CommentNode).data]], []])
      } else if ("tagName" in node) {
        const attrs = node.attrs
          .map((a): readonly [string, string] => [a.prefix === undefined ? a.name : `${a.prefix}:${a.name}`, a.value])
          .toSorted((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
        const children = node.nodeName === "template"
          ? (node as DefaultTreeAdapterTypes.Template).content.childNodes
          : node.childNodes
        out.push([`${NS_SHORT[node.namespaceURI] ?? node.namespaceURI}:${node.tagName}`, attrs, convert(children)])
      }
    }
    return out
  }
  return convert(parse(html))
}
