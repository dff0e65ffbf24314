import { assert, describe, it } from "@effect/vitest"
import { Drift } from "@parley/schema"
import { Schema } from "effect"
import * as Cursor from "../src/Cursor.ts"
import { InvalidParam } from "../src/SandboxError.ts"
import * as Seed from "../src/Seed.ts"
import { MESSAGES_PAGE_SIZE, Workspace } from "../src/Store.ts"
import type { ConversationsPageWire, ListOptions } from "../src/Store.ts"

const page = (workspace: Workspace, options: ListOptions): ConversationsPageWire => {
  const result = workspace.list(options)
  if (result instanceof InvalidParam) throw result
  return result
}

const walk = (workspace: Workspace, options: Omit<ListOptions, "next">, between?: (n: number) => void) => {
  const ids: Array<number> = []
  const keys: Array<readonly [number, number]> = []
  let next: string | undefined
  let pages = 0
  do {
    const result = page(workspace, { ...options, next })
    for (const c of result.data) {
      ids.push(c.id)
      keys.push([c.updatedAt, c.id])
    }
    assert.isAtMost(result.data.length, options.limit)
    if (result.pagination !== undefined) {
      assert.strictEqual(result.data.length, options.limit, "only the last page is short")
      assert.isTrue(result.pagination.more)
    }
    next = result.pagination?.next
    pages++
    between?.(pages)
  } while (next !== undefined)
  return { ids, keys, pages }
}

describe("Seed", () => {
  it("the PRNG is deterministic and well spread", () => {
    const a = new Seed.Prng(42)
    const b = new Seed.Prng(42)
    const xs = Array.from({ length: 10_000 }, () => a.next())
    assert.deepStrictEqual(xs.slice(0, 100), Array.from({ length: 100 }, () => b.next()))
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length
    assert.isTrue(mean > 0.48 && mean < 0.52, `mean ${mean}`)
    assert.notStrictEqual(new Seed.Prng(43).next(), xs[0])
  })

  it("generates the same world for the same seed and size, another for another seed", () => {
    const one = JSON.stringify(Seed.makeWorld({ seed: 7, conversations: 500 }))
    assert.strictEqual(JSON.stringify(Seed.makeWorld({ seed: 7, conversations: 500 })), one)
    assert.notStrictEqual(JSON.stringify(Seed.makeWorld({ seed: 8, conversations: 500 })), one)
  })

  it("ids look like Drift's, stay below 2^53 and map back to their index", () => {
    const world = Seed.makeWorld({ seed: 3, conversations: 100_000 })
    let previous = 0
    for (const i of [0, 1, 2, 500, 99_998, 99_999, 150_000]) {
      const id = Seed.conversationId(world, i)
      assert.isTrue(Number.isSafeInteger(id) && id >= 1e9 && (i >= 100_000 || id < 1.8e10), `${id}`)
      assert.isAbove(id, previous)
      previous = id
      assert.strictEqual(Seed.conversationIndex(world, id), i)
      assert.strictEqual(Seed.conversationIndex(world, id + 1), undefined)
      const contactId = Seed.contactIdOf(world, i)
      assert.strictEqual(Seed.contactIndexOf(world, contactId), i)
    }
  })

  it("the data has every feature the issue asks for, and decodes with the shared schemas", () => {
    const workspace = new Workspace({ seed: 11, conversations: 2000 })
    const statuses = new Set<string>()
    let bots = 0
    let buttons = 0
    let notes = 0
    let attachments = 0
    let contexts = 0
    let unknownAttributes = 0
    let hostile = 0
    let markup = 0
    let plain = 0
    let tags = 0
    let playbooks = 0
    let messages = 0
    const counts: Array<number> = []
    const odd = new Map<string, number>()
    let edits = 0
    for (let i = 0; i < 2000; i++) {
      const conversation = workspace.conversation(i)
      Schema.decodeUnknownSync(Drift.Conversation)(conversation)
      statuses.add(conversation.status)
      if (conversation.conversationTags !== undefined) tags++
      if (conversation.relatedPlaybookId !== undefined) playbooks++
      const all = workspace.messagesOf(i)
      const documented = all.filter((m) => m.type === "chat" || m.type === "private_note")
      counts.push(documented.length)
      messages += all.length
      for (const m of all) {
        if (m.type !== "chat" && m.type !== "private_note") odd.set(m.type, (odd.get(m.type) ?? 0) + 1)
        if (m.type === "edit") {
          const edit = m as unknown as { editedMessageId: number; editType: string }
          assert.isTrue(all.some((e) => e.id === edit.editedMessageId), "an edit names a message of its conversation")
          edits++
        }
        if (m.author.bot === true) bots++
        if (m.buttons !== undefined) buttons++
        if (m.type === "private_note") notes++
        if (m.attachments !== undefined) attachments++
        if (m.context !== undefined) contexts++
        const known = new Set(["preMessages", "developer_app_id", "integrationSource", "autoAssigneeId"])
        if (m.attributes !== undefined && Object.keys(m.attributes).some((k) => !known.has(k))) unknownAttributes++
        const body = m.body ?? ""
        if (/<script|onerror|javascript:|<svg|<math|<iframe/i.test(body)) hostile++
        else if (/<(b|em|a)[\s>]/.test(body)) markup++
        else plain++
      }
      if (i < 200) Schema.decodeUnknownSync(Schema.Array(Drift.Message))(all)
    }
    assert.deepStrictEqual([...statuses].toSorted(), ["bulk_sent", "closed", "open", "pending"])
    for (
      const [name, n] of Object.entries({
        bots,
        buttons,
        notes,
        attachments,
        contexts,
        unknownAttributes,
        tags,
        playbooks
      })
    ) {
      assert.isAbove(n, 0, name)
    }
    // Drift's undocumented types (the sandbox's oddities, on by default), each seen and decoded.
    assert.deepStrictEqual([...odd.keys()].toSorted(), ["conversation_summary", "edit", "private_prompt", "suggestion"])
    assert.isAbove(edits, 0)
    let numericExternalIds = 0
    let nameless = 0
    for (let c = 0; c < 1000; c++) {
      const contact = workspace.contact(Seed.contactIdOf(workspace.world, c))!
      Schema.decodeUnknownSync(Drift.Contact)(contact)
      if (typeof contact.attributes.externalId === "number") numericExternalIds++
      if (contact.attributes.name === null) nameless++
    }
    assert.isAbove(numericExternalIds, 0)
    assert.isAbove(nameless, 0)
    const plainWorkspace = new Workspace({ seed: 11, conversations: 2000, oddities: false })
    for (let i = 0; i < 50; i++) {
      assert.isTrue(plainWorkspace.messagesOf(i).every((m) => m.type === "chat" || m.type === "private_note"))
      assert.deepStrictEqual(
        plainWorkspace.messagesOf(i),
        workspace.messagesOf(i).filter((m) => m.type === "chat" || m.type === "private_note"),
        "the documented messages are the same with or without oddities"
      )
    }
    assert.isAbove(plain, markup + hostile, "mostly plain text")
    assert.isAbove(hostile, 0)
    assert.isAbove(markup, 0)
    assert.strictEqual(Math.min(...counts), 1)
    assert.isAtMost(Math.max(...counts), 40)
    const sorted = counts.toSorted((a, b) => a - b)
    assert.isBelow(sorted[1000]!, 12, "skewed towards short conversations")
    console.log(
      `seed data (2000 conversations): ${messages} messages, median ${sorted[1000]}, max ${sorted[1999]}; ` +
        `plain ${plain}, markup ${markup}, hostile ${hostile}, notes ${notes}, buttons ${buttons}, attachments ${attachments}`
    )
  })
})

describe("Workspace", () => {
  it("lists by updatedAt desc (ties by id desc) and a cursor walk covers every id once", () => {
    const workspace = new Workspace({ seed: 5, conversations: 1234 })
    for (const limit of [25, 50, 7]) {
      const { ids, keys, pages } = walk(workspace, { limit })
      assert.strictEqual(ids.length, 1234)
      assert.strictEqual(new Set(ids).size, 1234)
      assert.strictEqual(pages, Math.ceil(1234 / limit))
      for (let k = 1; k < keys.length; k++) {
        const [u0, id0] = keys[k - 1]!
        const [u1, id1] = keys[k]!
        assert.isTrue(u0 > u1 || (u0 === u1 && id0 > id1), `order at ${k}`)
      }
      assert.deepStrictEqual(ids, workspace.allIds())
    }
  })

  it("filters by statusId (repeatable)", () => {
    const workspace = new Workspace({ seed: 5, conversations: 1500 })
    const stats = workspace.stats().conversationCount
    const open = walk(workspace, { limit: 50, statusIds: [1] })
    assert.strictEqual(open.ids.length, stats.OPEN)
    const closedPending = walk(workspace, { limit: 50, statusIds: [2, 3] })
    assert.strictEqual(closedPending.ids.length, stats.CLOSED + stats.PENDING)
    for (const id of closedPending.ids) {
      assert.include(["closed", "pending"], workspace.conversation(workspace.indexOf(id)!).status)
    }
    const all = walk(workspace, { limit: 50 })
    assert.isAbove(
      all.ids.length,
      stats.OPEN + stats.CLOSED + stats.PENDING,
      "bulk_sent is only in the unfiltered list"
    )
  })

  it("rejects cursors it did not write", () => {
    const workspace = new Workspace({ seed: 5, conversations: 100 })
    for (const next of ["abc", "50", "c0.1.1", Cursor.encode({ snapshot: 9, updatedAt: 1, id: 1, page: 2 })]) {
      const result = workspace.list({ limit: 25, next })
      assert.instanceOf(result, InvalidParam)
      assert.strictEqual((result as InvalidParam).param, "next")
    }
  })

  it("emits every conversation that existed at the start exactly once while conversations move to the front", () => {
    const workspace = new Workspace({ seed: 9, conversations: 3000 })
    const initial = workspace.allIds()
    const rng = new Seed.Prng(1)
    let now = Date.UTC(2026, 0, 1)
    const touched = new Set<number>()
    const { ids } = walk(workspace, { limit: 50 }, () => {
      // Touch conversations already emitted and not yet reached, and create new ones.
      for (let k = 0; k < 5; k++) {
        const id = rng.pick(initial)
        touched.add(id)
        workspace.touch(workspace.indexOf(id)!, now++)
      }
      workspace.createConversation({ email: `new${now}@example.com`, body: "hi" }, now++)
    })
    assert.strictEqual(ids.length, initial.length, "no conversation skipped or emitted twice")
    assert.deepStrictEqual(new Set(ids), new Set(initial))
    assert.isAbove(touched.size, 100)
    // A new listing sees the moves: created and touched conversations first, most recent first.
    const fresh = walk(workspace, { limit: 50 })
    assert.strictEqual(fresh.ids.length, initial.length + 60)
    assert.strictEqual(new Set(fresh.ids).size, fresh.ids.length)
    const firstUpdated = fresh.keys.slice(0, 10).map(([u]) => u)
    assert.deepStrictEqual(firstUpdated, firstUpdated.toSorted((a, b) => b - a))
  })

  it("pages messages oldest first, 20 per page, with pagination at the top level", () => {
    const workspace = new Workspace({ seed: 2, conversations: 500 })
    let index = 0
    while (workspace.messagesOf(index).length <= MESSAGES_PAGE_SIZE) index++
    const all = workspace.messagesOf(index)
    const seen: Array<number> = []
    let next: string | undefined
    do {
      const result = workspace.messagesPage(index, next)
      if (result instanceof InvalidParam) throw result
      Schema.decodeUnknownSync(Drift.MessagesPage)(result)
      seen.push(...result.data.messages.map((m) => m.id))
      next = result.pagination.more ? result.pagination.next : undefined
    } while (next !== undefined)
    assert.deepStrictEqual(seen, all.map((m) => m.id))
    const times = all.map((m) => m.createdAt)
    assert.deepStrictEqual(times, times.toSorted((a, b) => a - b))
    assert.instanceOf(workspace.messagesPage(index, "9999"), InvalidParam)
  })

  it("creates conversations by email: reuses the first contact with it, or creates one; routes autoAssigneeId", () => {
    const workspace = new Workspace({ seed: 4, conversations: 300 })
    let existing = 0
    while (workspace.contact(Seed.contactIdOf(workspace.world, existing))?.attributes.email == null) existing++
    const contact = workspace.contact(Seed.contactIdOf(workspace.world, existing))!
    const email = String(contact.attributes.email).toUpperCase()
    const user = workspace.world.humanUserIds[2]!
    const created = workspace.createConversation({
      email,
      body: "hello",
      attributes: { integrationSource: "Message from facebook", autoAssigneeId: user, custom: { a: 1 } }
    }, Date.now())
    assert.strictEqual(created.contactId, contact.id)
    assert.deepStrictEqual(created.participants, [user])
    assert.strictEqual(created.status, "open")
    const first = workspace.messagesOf(workspace.indexOf(created.id)!)[0]!
    assert.deepStrictEqual(first.attributes, {
      integrationSource: "Message from facebook",
      autoAssigneeId: user,
      custom: { a: 1 }
    })
    const fresh = workspace.createConversation({ email: "someone.new@example.com", body: "hi" }, Date.now())
    assert.isUndefined(Seed.contactIndexByEmail(workspace.world, "someone.new@example.com"))
    assert.deepStrictEqual(fresh.participants, [])
    assert.strictEqual(workspace.contact(fresh.contactId)?.attributes.email, "someone.new@example.com")
    const again = workspace.createConversation({
      email: "Someone.New@example.com",
      body: "again",
      attributes: { autoAssigneeId: 1 }
    }, Date.now())
    assert.strictEqual(again.contactId, fresh.contactId)
    assert.deepStrictEqual(again.participants, [], "unknown users are not routed")
    assert.strictEqual(page(workspace, { limit: 1 }).data[0]!.id, again.id)
  })
})
