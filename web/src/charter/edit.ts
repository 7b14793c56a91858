// Editing list items inside an automerge change: items are found by their
// stable id, never by the index they had when the page was rendered (another
// partner may have inserted or deleted items since).
import { moveItem, scalar, str } from "../model/values"

/** A list item with a stable id. */
export type Identified = { id: string }

/** Whether `item` has the id `id` (ids are scalar strings in the document). */
export function hasId(item: Identified, id: string): boolean {
  return str(item.id) === id
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

/** Deletes every item of a draft list that matches `predicate`; returns how many. */
export function removeWhere<T>(items: T[] | null | undefined, predicate: (item: T) => boolean): number {
  if (!Array.isArray(items)) return 0
  let removed = 0
  for (let i = items.length - 1; i >= 0; i--) {
    if (predicate(items[i])) {
      items.splice(i, 1)
      removed++
    }
  }
  return removed
}

/** Deletes the item with id `id` (and any duplicate of it) from a draft list. */
export function removeById<T extends Identified>(items: T[] | null | undefined, id: string): number {
  return removeWhere(items, (item) => hasId(item, id))
}

/** Moves the item with id `id` one place up (-1) or down (+1) in a draft list. */
export function moveById<T extends Identified>(items: T[] | null | undefined, id: string, by: -1 | 1): void {
  if (!Array.isArray(items)) return
  const from = items.findIndex((item) => hasId(item, id))
  if (from >= 0) moveItem(items, from, from + by)
}

/**
 * Whether a set of scalar strings (partnership types, owner ids) holds
 * `value`.
 */
export function setHas(set: readonly unknown[] | null | undefined, value: string): boolean {
  return Array.isArray(set) && set.some((v) => str(v) === value)
}

/**
 * Adds `value` to, or removes it from, a draft set of scalar strings. Adding
 * a value already present, or removing one that is absent, changes nothing;
 * removing deletes every copy (concurrent adds may have made two).
 */
export function setMember(set: string[], value: string, member: boolean): void {
  if (member) {
    if (!setHas(set, value)) set.push(scalar(value))
  } else {
    removeWhere(set, (v) => str(v) === value)
  }
}

/** Applies a change to one item of the document (found by id when applied). */
export type ItemEdit<T> = (apply: (item: T) => void) => void
