// Editing the lists of a document inside an automerge change: items are
// found by their stable id, never by the index they had when the page was
// drawn (another partner may have inserted, deleted or moved items since),
// and an item that is gone makes the edit a no-op.
import { moveItem, scalar, str } from "./values"

/** A list item with a stable id (a scalar string in the document). */
export type Identified = { id: unknown }

/** Applies a change to one item of the document (found by id when applied). */
export type ItemEdit<T> = (apply: (item: T) => void) => void

/** Whether `item` has the id `id`. */
export function hasId(item: Identified, id: string): boolean {
  return str(item.id) === id
}

/** Where the first item with id `id` is in `items`, or -1. */
export function indexById(items: readonly Identified[] | null | undefined, id: string): number {
  return Array.isArray(items) ? items.findIndex((item) => hasId(item, id)) : -1
}

/** The first item with id `id`, if any. */
export function findById<T extends Identified>(items: readonly T[] | null | undefined, id: string): T | undefined {
  return Array.isArray(items) ? items.find((item) => hasId(item, id)) : undefined
}

/**
 * Applies `edit` to the item with id `id` in a draft list. Returns whether
 * the item was found (it may have been deleted by someone else meanwhile).
 */
export function editItem<T extends Identified>(items: T[] | null | undefined, id: string, edit: (item: T) => void): boolean {
  const item = findById(items, id)
  if (item) edit(item)
  return item !== undefined
}

/**
 * Deletes every item of a draft list that matches `predicate` (from the end,
 * so indexes stay valid); returns how many.
 */
export function removeWhere<T>(items: T[] | null | undefined, predicate: (item: T, index: number) => boolean): number {
  if (!Array.isArray(items)) return 0
  let removed = 0
  for (let i = items.length - 1; i >= 0; i--) {
    if (predicate(items[i], i)) {
      items.splice(i, 1)
      removed++
    }
  }
  return removed
}

/**
 * Deletes the item with id `id` from a draft list, and any copy of it (two
 * partners moving it at once leave two); returns how many were deleted.
 */
export function removeById<T extends Identified>(items: T[] | null | undefined, id: string): number {
  return removeWhere(items, (item) => hasId(item, id))
}

/**
 * Moves the item with id `id` by `delta` places (-1: one up, +1: one down)
 * in a draft list. Returns whether it moved: not when it is gone or would
 * go past either end.
 */
export function moveById<T extends Identified>(items: T[] | null | undefined, id: string, delta: number): boolean {
  const from = indexById(items, id)
  const to = from + delta
  if (!Array.isArray(items) || from < 0 || to < 0 || to >= items.length || to === from) return false
  moveItem(items, from, to)
  return true
}

/** Whether a set of scalar strings (partnership types, owner ids) holds `value`. */
export function setHas(set: readonly unknown[] | null | undefined, value: string): boolean {
  return Array.isArray(set) && set.some((v) => str(v) === value)
}

/**
 * Adds `value` to, or removes it from, a draft set of scalar strings: it
 * ends up there exactly once, or not at all. Concurrent additions may have
 * stored it more than once; any edit of it removes the extra copies.
 */
export function setMember(set: string[], value: string, member: boolean): void {
  const first = set.findIndex((v) => str(v) === value)
  // Remove every later copy, and the first one too when it should go.
  removeWhere(set, (v, index) => str(v) === value && (index !== first || !member))
  if (member && first < 0) set.push(scalar(value))
}
