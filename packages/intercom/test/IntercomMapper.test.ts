import { describe, expect, it } from "@effect/vitest"
import { Drift, Intercom } from "@parley/schema"
import { Config, ConfigProvider, Effect, Exit, Layer, Schema, Stream } from "effect"
import { readFileSync } from "node:fs"
import { IntercomMapper, Mapping, MappingError } from "../src/index.ts"

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"))

const thread = Schema.decodeUnknownSync(Drift.Thread)(fixture("drift-thread.json"))
const seed003 = Schema.decodeUnknownSync(Intercom.Conversation)(fixture("intercom-seed-003.json"))

const withEnv = (env: Record<string, string>) => Layer.provide(ConfigProvider.layer(ConfigProvider.fromUnknown(env)))

describe("IntercomMapper", () => {
  it.effect("maps threads in a stream, both shapes, and back", () =>
    Effect.gen(function*() {
      const mapper = yield* IntercomMapper.IntercomMapper
      const [v2] = yield* Stream.make(thread).pipe(Stream.mapEffect(mapper.toIntercomV2), Stream.runCollect)
      expect(v2).toStrictEqual(Mapping.toIntercomV2Sync(thread))
      expect(yield* mapper.fromIntercomV2(v2!)).toStrictEqual(thread)
      const classic = yield* mapper.toIntercom(thread)
      expect(classic.id).toBe("464032472")
      expect((yield* mapper.fromIntercom(classic)).messages.length).toBe(6)
    }).pipe(Effect.provide(IntercomMapper.IntercomMapper.layer())))

  it.effect("fails with a typed MappingError", () =>
    Effect.gen(function*() {
      const mapper = yield* IntercomMapper.IntercomMapper
      const error = yield* Effect.flip(mapper.fromIntercom(seed003))
      expect(error).toBeInstanceOf(MappingError.MappingError)
      expect(error.path).toStrictEqual(["user", "id"])
    }).pipe(Effect.provide(IntercomMapper.IntercomMapper.layer())))

  it.effect("layer(config): the config is used", () =>
    Effect.gen(function*() {
      const mapper = yield* IntercomMapper.IntercomMapper
      const v2 = yield* mapper.toIntercomV2(thread)
      expect(v2.custom_attributes).toStrictEqual({})
      expect(v2.source.author.type).toBe("lead")
      const back = yield* mapper.fromIntercom(seed003)
      expect(back.conversation.id).toBe(147)
    }).pipe(Effect.provide(IntercomMapper.IntercomMapper.layer({
      carry: "none",
      contactRole: "lead",
      foreignIds: "hash"
    }))))

  it.effect("layer(config) fails with a SchemaError naming the option", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Layer.build(IntercomMapper.IntercomMapper.layer({ tagColor: "no" })))
      expect(Schema.isSchemaError(error)).toBe(true)
      expect(error.message).toContain(`at ["tagColor"]`)
    }))

  it.effect("layerConfig reads PARLEY_INTERCOM_* from the ConfigProvider", () =>
    Effect.gen(function*() {
      const mapper = yield* IntercomMapper.IntercomMapper
      expect(mapper.config.contactRole).toBe("user")
      expect(mapper.config.defaultAdminId).toBe(25)
      expect(mapper.config.carry).toStrictEqual({ status: true, conversation: false, messages: false, contact: false })
      expect(mapper.config.foreignIds).toBe("hash")
      const v2 = yield* mapper.toIntercomV2({ ...thread, conversation: { ...thread.conversation, participants: [] } })
      expect(v2.admin_assignee_id).toBe(25)
      expect(v2.custom_attributes).toStrictEqual({ x_status: "open" })
    }).pipe(Effect.provide(
      IntercomMapper.IntercomMapper.layerConfig().pipe(withEnv({
        PARLEY_INTERCOM_CONTACT_ROLE: "user",
        PARLEY_INTERCOM_DEFAULT_ADMIN_ID: "25",
        PARLEY_INTERCOM_CARRY_FIELDS: "status",
        PARLEY_INTERCOM_CARRY_PREFIX: "x_",
        PARLEY_INTERCOM_FOREIGN_IDS: "hash"
      }))
    )))

  it.effect("layerConfig with no variables set uses the defaults", () =>
    Effect.gen(function*() {
      const mapper = yield* IntercomMapper.IntercomMapper
      expect(mapper.config.contactRole).toBe("byEmail")
      expect(mapper.config.defaultAdminId).toBe(null)
    }).pipe(Effect.provide(IntercomMapper.IntercomMapper.layerConfig().pipe(withEnv({})))))

  it.effect("layerConfig takes a record of Configs", () =>
    Effect.gen(function*() {
      const mapper = yield* IntercomMapper.IntercomMapper
      expect(mapper.config.inboxId).toBe(116983)
    }).pipe(Effect.provide(
      IntercomMapper.IntercomMapper.layerConfig({ inboxId: Config.Int("INBOX") }).pipe(withEnv({ INBOX: "116983" }))
    )))

  it.effect("layerConfig fails on a bad value", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Layer.build(
        IntercomMapper.IntercomMapper.layerConfig().pipe(withEnv({ PARLEY_INTERCOM_CONTACT_ROLE: "visitor" }))
      ))
      expect(Exit.isFailure(exit)).toBe(true)
    }))
})
