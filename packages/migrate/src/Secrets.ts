/**
 * A fleet's workspace tokens, sealed with AES-256-GCM (`effect/crypto`'s `Aead`) under the fleet key, so the
 * database never holds them in clear: `parley migrate submit` seals the Drift and Intercom tokens it reads from its
 * environment, every `parley worker` opens them with the same key. The key comes from `PARLEY_FLEET_KEY`
 * (`Config.Redacted`): 32 bytes, base64 or hex (`openssl rand -base64 32`).
 *
 * A sealed value is `v1.<nonce>.<ciphertext and tag>` (base64url), with a fresh random 12-byte nonce each time and
 * the workspace name as additional data: a sealed value moved to another workspace's row does not open.
 *
 * @since 0.2.0
 */
import { Config, Effect, Redacted, Schema } from "effect"
import { Aead, SecureRandom } from "effect/crypto"
import { Base64, Base64Url, Hex } from "effect/encoding"

/**
 * Why a fleet secret could not be sealed or opened.
 *
 * @since 0.2.0
 */
export class SecretsError extends Schema.TaggedError<SecretsError>()("SecretsError", {
  reason: Schema.Literals(["MissingKey", "InvalidKey", "Sealed", "Tampered"]),
  detail: Schema.String
}) {
  override get message(): string {
    return this.detail
  }
}

/**
 * The tokens of one workspace.
 *
 * @since 0.2.0
 */
export interface Tokens {
  readonly drift: Redacted.Redacted<string>
  readonly intercom: Redacted.Redacted<string>
}

const TokensJson = Schema.fromJsonString(Schema.Struct({ drift: Schema.String, intercom: Schema.String }))

/**
 * The fleet key from `PARLEY_FLEET_KEY`, as an AES-256-GCM key.
 *
 * @since 0.2.0
 */
export const key = Effect.gen(function*() {
  const raw = yield* Config.option(Config.Redacted("PARLEY_FLEET_KEY")).pipe(
    Effect.mapError(() =>
      new SecretsError({ reason: "MissingKey", detail: "PARLEY_FLEET_KEY could not be read from the environment" })
    )
  )
  if (raw._tag === "None" || Redacted.value(raw.value).trim() === "") {
    return yield* new SecretsError({
      reason: "MissingKey",
      detail:
        "PARLEY_FLEET_KEY is not set: every worker and every submit needs the same 32-byte key (create one with openssl rand -base64 32)"
    })
  }
  const text = Redacted.value(raw.value).trim()
  const bytes = /^[0-9a-f]{64}$/i.test(text)
    ? Hex.decode(text)
    : Base64.decode(text.replace(/-/g, "+").replace(/_/g, "/"))
  if (bytes._tag === "Failure" || bytes.success.length !== 32) {
    return yield* new SecretsError({
      reason: "InvalidKey",
      detail: "PARLEY_FLEET_KEY must be 32 bytes in base64 or hex (create one with openssl rand -base64 32)"
    })
  }
  return yield* Aead.key(Aead.aes256Gcm, bytes.success).pipe(
    Effect.mapError(() => new SecretsError({ reason: "InvalidKey", detail: "PARLEY_FLEET_KEY is not a usable key" }))
  )
})

const aad = (workspace: string) => new TextEncoder().encode(`parley-fleet:${workspace}`)

/**
 * Seals a workspace's tokens.
 *
 * @since 0.2.0
 */
export const seal = Effect.fn("Secrets.seal")(function*(workspace: string, tokens: Tokens) {
  const aead = yield* Aead.Aead
  const random = yield* SecureRandom.SecureRandom
  const fleetKey = yield* key
  const nonce = yield* Effect.orDie(random.randomBytes(12))
  const plaintext = new TextEncoder().encode(
    Schema.encodeSync(TokensJson)({ drift: Redacted.value(tokens.drift), intercom: Redacted.value(tokens.intercom) })
  )
  const sealed = yield* aead.encrypt(fleetKey, plaintext, { nonce, aad: aad(workspace) }).pipe(
    Effect.mapError(() => new SecretsError({ reason: "Sealed", detail: "the tokens could not be sealed" }))
  )
  return `v1.${Base64Url.encode(nonce)}.${Base64Url.encode(sealed)}`
})

/**
 * Opens a workspace's sealed tokens (fails with `Tampered` under another key or for another workspace).
 *
 * @since 0.2.0
 */
export const open = Effect.fn("Secrets.open")(function*(workspace: string, sealed: string) {
  const aead = yield* Aead.Aead
  const fleetKey = yield* key
  const [version, nonceText, dataText] = sealed.split(".")
  const nonce = Base64Url.decode(nonceText ?? "")
  const data = Base64Url.decode(dataText ?? "")
  const tampered = new SecretsError({
    reason: "Tampered",
    detail:
      `the tokens of workspace ${workspace} do not open with this PARLEY_FLEET_KEY (another key, or not sealed for this workspace)`
  })
  if (version !== "v1" || nonce._tag === "Failure" || data._tag === "Failure") return yield* tampered
  const plaintext = yield* aead.decrypt(fleetKey, data.success, { nonce: nonce.success, aad: aad(workspace) }).pipe(
    Effect.mapError(() => tampered)
  )
  const decoded = yield* Schema.decodeUnknownEffect(TokensJson)(new TextDecoder().decode(plaintext)).pipe(
    Effect.mapError(() => tampered)
  )
  return { drift: Redacted.make(decoded.drift), intercom: Redacted.make(decoded.intercom) } satisfies Tokens
})
