// Agenda item durations. The Rust model writes them as unsigned integers,
// which JavaScript automerge reads as `bigint` (`num` reads both); this
// client writes numbers.
import type { AgendaItem } from "../generated/model"
import { num, parseNumber } from "../model/values"

/** Minutes as typed: a whole number of at least 0, or null when empty or not a number. */
export function parseMinutes(input: string): number | null {
  const n = parseNumber(input)
  return n === null ? null : Math.max(0, Math.round(n))
}

/** The minutes planned for the agenda in all. */
export function plannedMinutes(agenda: readonly AgendaItem[]): number {
  return agenda.reduce((sum, item) => sum + (num(item.durationMinutes) ?? 0), 0)
}
