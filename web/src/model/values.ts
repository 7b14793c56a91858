// Reading and writing the values of charter and meeting documents.
//
// The Rust model (crates/mitra-model) writes plain strings as automerge
// scalar strings, which the JavaScript automerge reads as `ImmutableString`,
// and collaborative text as text objects, read as JS strings. The generated
// types call both `string`; read any string field through `str`, and write
// non-collaborative strings with `scalar` so the document keeps one shape
// whichever client wrote it.
import { ImmutableString } from "@automerge/automerge"

/** A string field's value, whether stored as text or as a scalar string. */
export function str(value: unknown): string {
  if (typeof value === "string") return value
  if (value instanceof ImmutableString) return value.val
  if (value && typeof value === "object" && "val" in value && typeof value.val === "string") {
    return value.val
  }
  return ""
}

/** An optional string field's value (`null` when absent or empty). */
export function optStr(value: unknown): string | null {
  const s = str(value)
  return s === "" ? null : s
}

/**
 * The value to store for a plain (non-collaborative) string field. The
 * generated types say `string`; at runtime it is an `ImmutableString`.
 */
export function scalar(value: string): string {
  return new ImmutableString(value) as unknown as string
}

/** Like {@link scalar}, storing `null` for an empty value. */
export function optScalar(value: string | null | undefined): string | null {
  return value ? scalar(value) : null
}

/**
 * A number field's value, or `null`. Integers the Rust model writes as
 * unsigned (agenda minutes) arrive as `bigint`.
 */
export function num(value: unknown): number | null {
  if (typeof value === "bigint") return Number(value)
  return typeof value === "number" && Number.isFinite(value) ? value : null
}

/** Parses what a person typed into a number field (`null` when empty or not a number). */
export function parseNumber(input: string): number | null {
  const trimmed = input.trim().replace(",", ".")
  if (trimmed === "") return null
  const n = Number(trimmed)
  return Number.isFinite(n) ? n : null
}

/** A new stable id for a list item. */
export function newId(): string {
  return crypto.randomUUID()
}

/** A list field's items (an empty list when absent). */
export function list<T>(value: readonly T[] | null | undefined): readonly T[] {
  return Array.isArray(value) ? value : []
}

/** Today as `YYYY-MM-DD` in local time. */
export function today(now: Date = new Date()): string {
  const y = now.getFullYear()
  const m = String(now.getMonth() + 1).padStart(2, "0")
  const d = String(now.getDate()).padStart(2, "0")
  return `${y}-${m}-${d}`
}

/**
 * Moves the item at `from` to `to` in an automerge list. automerge has no
 * move: this deletes and re-inserts a plain copy, so give it plain values.
 */
export function moveItem<T>(items: T[], from: number, to: number): void {
  if (from === to || from < 0 || to < 0 || from >= items.length || to >= items.length) return
  const copy = plain(items[from])
  items.splice(from, 1)
  items.splice(to, 0, copy)
}

/** A deep copy of a document value as plain JS, text objects and scalars kept. */
export function plain<T>(value: T): T {
  if (value instanceof ImmutableString) return new ImmutableString(value.val) as T
  if (Array.isArray(value)) return value.map(plain) as T
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = plain(v)
    return out as T
  }
  return value
}
