// What a session changed, field by field: automerge's diff between the
// document's heads before and after it, told in words through the
// document's shape (./schema.ts): `Goal "Clean water" › title`,
// `Partner "Yayasan Air"` added, `Purpose`.
//
// The diff's patches are meant to be applied in order, so list positions
// in them count the patches before: an item inserted or edited is found at
// its position in the document after the session, an item deleted at its
// position before, once the earlier insertions and deletions in the same
// list are accounted for.
import * as A from "@automerge/automerge"

import { str } from "../model/values"
import { t } from "./messages"
import { itemKindLabel, shapeOf, type DocKind, type ItemKind, type Shape } from "./schema"

/** How a field or item changed. */
export type Verb = "changed" | "added" | "removed" | "moved" | "created"

/** One thing a session changed. */
export type FieldChange = {
  /** What changed, in words (`Goal "Clean water" › title`). */
  label: string
  /** How. */
  verb: Verb
}

/** The longest item name a label quotes. */
const MAX_NAME = 60

/**
 * What changed in `doc` between the heads `before` and `after`: one entry
 * per field or item, without repeats. From no heads (the document's
 * first session) it is the document's creation.
 */
export function changedFields(doc: A.Doc<unknown>, kind: DocKind, before: readonly string[], after: readonly string[]): FieldChange[] {
  if (before.length === 0) {
    return [{ label: kind === "charter" ? t("createdCharter") : t("createdMeeting"), verb: "created" }]
  }
  const patches = A.diff(doc, [...before], [...after])
  return describePatches(patches, shapeOf(kind), A.view(doc, [...before]), A.view(doc, [...after]))
}

type Entry = FieldChange & {
  /** For added and removed items: their list and id, to tell a move. */
  item?: { list: string; id: string }
}

/** Tells `patches` (from `A.diff`) in words, reading names in the documents before and after them. */
export function describePatches(patches: readonly A.Patch[], shape: Shape, beforeRoot: unknown, afterRoot: unknown): FieldChange[] {
  const reader = new PatchReader(shape, record(beforeRoot), record(afterRoot))
  for (const patch of patches) reader.read(patch)
  return reader.result()
}

class PatchReader {
  readonly #entries: Entry[] = []
  /** Insertions and deletions so far, per list (keyed by its path). */
  readonly #offsets = new Map<string, { inserted: number; deleted: number }>()
  /** Items inserted by these patches (`list#position`): changes inside them are part of "added". */
  readonly #inserted = new Set<string>()

  constructor(
    readonly shape: Shape,
    readonly beforeRoot: Record<string, unknown>,
    readonly afterRoot: Record<string, unknown>,
  ) {}

  read(patch: A.Patch): void {
    const path = patch.path
    const segments: string[] = []
    let shape = this.shape
    let after: unknown = this.afterRoot
    let before: unknown = this.beforeRoot
    for (let i = 0; i < path.length; i++) {
      const step = path[i]
      const last = i === path.length - 1
      if (shape.type === "object") {
        const field = typeof step === "string" ? shape.fields[step] : undefined
        if (!field) {
          segments.push(String(step))
          break
        }
        const itemFollows = field.shape.type === "list" && typeof path[i + 1] === "number"
        if (!itemFollows) segments.push(field.label())
        if (field.shape.type === "leaf") break
        shape = field.shape
        after = get(after, step)
        before = get(before, step)
        continue
      }
      if (shape.type !== "list" || typeof step !== "number") break
      const list = JSON.stringify(path.slice(0, i))
      if (last) {
        this.#listPatch(patch, shape.item, list, segments, step, array(after), array(before))
        return
      }
      if (this.#inserted.has(`${list}#${step}`)) return
      const afterItem = record(array(after)[step])
      const beforeItem = record(array(before).find((b) => str(record(b).id) === str(afterItem.id)))
      segments.push(itemLabel(shape.item, afterItem, this.afterRoot))
      shape = { type: "object", fields: shape.item.fields }
      after = afterItem
      before = beforeItem
    }
    this.#entries.push({ label: segments.join(" › "), verb: "changed" })
  }

  /** A patch on a list of items itself: items inserted, deleted or replaced. */
  #listPatch(patch: A.Patch, item: ItemKind, list: string, segments: string[], position: number, after: unknown[], before: unknown[]): void {
    const offset = this.#offsets.get(list) ?? { inserted: 0, deleted: 0 }
    this.#offsets.set(list, offset)
    const entry = (value: unknown, root: Record<string, unknown>, verb: Verb): Entry => {
      const it = record(value)
      return {
        label: [...segments, itemLabel(item, it, root)].join(" › "),
        verb,
        item: { list, id: str(it.id) },
      }
    }
    if (patch.action === "insert") {
      for (let k = 0; k < patch.values.length; k++) {
        this.#inserted.add(`${list}#${position + k}`)
        this.#entries.push(entry(after[position + k], this.afterRoot, "added"))
      }
      offset.inserted += patch.values.length
    } else if (patch.action === "del") {
      const count = patch.length ?? 1
      const from = position - offset.inserted + offset.deleted
      for (let k = 0; k < count; k++) this.#entries.push(entry(before[from + k], this.beforeRoot, "removed"))
      offset.deleted += count
    } else {
      this.#entries.push({ ...entry(after[position], this.afterRoot, "changed"), item: undefined })
    }
  }

  /** The entries, an item removed and added again in the same list as moved, without repeats. */
  result(): FieldChange[] {
    const added = new Map<string, Entry>()
    for (const e of this.#entries) if (e.verb === "added" && e.item?.id) added.set(itemKey(e), e)
    const moved = new Set<string>()
    for (const e of this.#entries) {
      if (e.verb === "removed" && e.item?.id && added.has(itemKey(e))) moved.add(itemKey(e))
    }
    const out = new Map<string, FieldChange>()
    for (const e of this.#entries) {
      const isMove = e.item?.id !== undefined && moved.has(itemKey(e))
      if (isMove && e.verb === "removed") continue
      const change: FieldChange = { label: e.label, verb: isMove ? "moved" : e.verb }
      const key = `${change.verb}\u0000${change.label}`
      if (!out.has(key)) out.set(key, change)
    }
    return [...out.values()]
  }
}

function itemKey(e: Entry): string {
  return `${e.item?.list}#${e.item?.id}`
}

/** `Goal "Clean water"`, or just `Goal` while it has no name. */
function itemLabel(item: ItemKind, value: Record<string, unknown>, root: Record<string, unknown>): string {
  const name = shorten(item.name(value, root))
  return name ? `${itemKindLabel(item.kind)} "${name}"` : itemKindLabel(item.kind)
}

/** A name on one line, cut to {@link MAX_NAME} characters. */
export function shorten(name: string): string {
  const line = name.replace(/\s+/g, " ").trim()
  return line.length > MAX_NAME ? `${line.slice(0, MAX_NAME - 1).trimEnd()}…` : line
}

function get(value: unknown, key: string | number): unknown {
  return value && typeof value === "object" ? (value as Record<string | number, unknown>)[key] : undefined
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" ? (value as Record<string, unknown>) : {}
}

function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}
