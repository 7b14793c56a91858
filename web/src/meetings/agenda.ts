// Agenda item durations. The Rust model writes them as unsigned integers,
// which JavaScript automerge reads as `bigint`; this client writes numbers.
import type { AgendaItem } from "../generated/model"
import { parseNumber } from "../model/values"

/** An agenda item's planned minutes, whether stored as a number or a bigint; null when absent. */
export function minutesOf(value: unknown): number | null {
  if (typeof value === "bigint") return Number(value)
  return typeof value === "number" && Number.isFinite(value) ? value : null
}

/** Minutes as typed: a whole number of at least 0, or null when empty or not a number. */
export function parseMinutes(input: string): number | null {
  const n = parseNumber(input)
  return n === null ? null : Math.max(0, Math.round(n))
}

/** The minutes planned for the agenda in all. */
export function plannedMinutes(agenda: readonly AgendaItem[]): number {
  return agenda.reduce((sum, item) => sum + (minutesOf(item.durationMinutes) ?? 0), 0)
}
