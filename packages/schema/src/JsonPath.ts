/**
 * JSON paths as Parley's errors print them: the way Effect's schema errors do, `["data"][3]["createdAt"]`
 * (keys quoted as JSON strings, indexes bare). Every package that names where in a document something went
 * wrong (the clients' decode errors, the mapper's `MappingError`, the CLI's rejects) formats it here.
 *
 * @example
 * ```ts
 * import { JsonPath } from "@parley/schema"
 *
 * JsonPath.format(["data", 3, "createdAt"]) // `["data"][3]["createdAt"]`
 * JsonPath.format([]) // "(root)"
 * JsonPath.format([], { root: "the root" }) // "the root"
 * ```
 *
 * @since 0.2.0
 */

/**
 * One step of a path as a Standard Schema issue gives it: a key, or an object holding the key.
 *
 * @since 0.2.0
 */
export type Segment = PropertyKey | { readonly key: PropertyKey }

/**
 * What an empty path is printed as by default.
 *
 * @since 0.2.0
 */
export const ROOT = "(root)"

/**
 * Renders `path`: `[k]` for a number, `["k"]` for any other key (JSON-quoted); `options.root` (default
 * {@link ROOT}) when it is empty.
 *
 * @example
 * ```ts
 * import { JsonPath } from "@parley/schema"
 *
 * JsonPath.format(["messages", 3, "body"]) // `["messages"][3]["body"]`
 * ```
 *
 * @since 0.2.0
 */
export const format = (path: ReadonlyArray<PropertyKey>, options?: { readonly root?: string | undefined }): string =>
  path.length === 0
    ? (options?.root ?? ROOT)
    : path.map((key) => typeof key === "number" ? `[${key}]` : `[${JSON.stringify(String(key))}]`).join("")

/**
 * The keys of a Standard Schema issue's path (`SchemaIssue.makeFormatterStandardSchemaV1` gives segments that
 * may be `{ key }` objects); an absent path is the root.
 *
 * @example
 * ```ts
 * import { JsonPath } from "@parley/schema"
 *
 * JsonPath.keys([{ key: "data" }, 3]) // ["data", 3]
 * ```
 *
 * @since 0.2.0
 */
export const keys = (path: ReadonlyArray<Segment> | undefined): Array<PropertyKey> =>
  (path ?? []).map((segment) => typeof segment === "object" && segment !== null ? segment.key : segment)
