// New goal-section list items, shaped as the Rust model writes them
// (crates/mitra-model): every field present, strings as scalars. Numbers
// are stored as JS numbers give them (whole numbers as automerge ints), which
// the Rust model reads as `f64` too. Goals and indicators come from
// `../model/create`.
import type { Feedback, Measurement } from "../generated/model"
import { newId, scalar } from "../model/values"

/** A new measurement of an indicator. */
export function newMeasurement(date: string, value: number, source: string, note: string): Measurement {
  return {
    id: scalar(newId()),
    date: scalar(date),
    value,
    source: scalar(source),
    note: scalar(note),
  }
}

/** A new piece of qualitative feedback. */
export function newFeedback(date: string, source: string, text: string): Feedback {
  return {
    id: scalar(newId()),
    date: scalar(date),
    source: scalar(source),
    text: scalar(text),
  }
}
