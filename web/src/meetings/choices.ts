// What the selects of this section offer: the charter's partners and goals
// by id, and the enumerations with their labels in the interface language.
// Values a newer client wrote, or ids of items since removed, are shown as
// they are rather than hidden.
import { ACTION_STATUSES, DECISION_METHODS, type CharterDocument } from "../generated/model"
import { list, str } from "../model/values"
import { t, type MessageKey } from "./messages"
import { timeZoneChoices } from "./time"

/** One option of a select. */
export type Choice = {
  /** The value stored in the document. */
  value: string
  /** What the person reads. */
  label: string
}

type EnumName = "actionStatus" | "decisionMethod"

function enumLabel(name: EnumName, known: readonly string[], value: string): string {
  return known.includes(value) ? t(`${name}_${value}` as MessageKey) : value
}

/** An action status in the interface language (unknown values as they are). */
export function actionStatusLabel(status: string): string {
  return enumLabel("actionStatus", ACTION_STATUSES, status)
}

/** A decision method in the interface language (unknown values as they are). */
export function decisionMethodLabel(method: string): string {
  return enumLabel("decisionMethod", DECISION_METHODS, method)
}

/** The action statuses as choices. */
export function actionStatusChoices(): Choice[] {
  return ACTION_STATUSES.map((value) => ({ value, label: actionStatusLabel(value) }))
}

/** The decision methods as choices. */
export function decisionMethodChoices(): Choice[] {
  return DECISION_METHODS.map((value) => ({ value, label: decisionMethodLabel(value) }))
}

/** The charter's partners, by id, in charter order. */
export function partnerChoices(charter: CharterDocument): Choice[] {
  return list(charter.partners).map((p) => ({ value: str(p.id), label: str(p.name) || str(p.id) }))
}

/** The charter's goals, by id, in charter order. */
export function goalChoices(charter: CharterDocument): Choice[] {
  return list(charter.goals).map((g) => ({ value: str(g.id), label: str(g.title) || str(g.id) }))
}

/** The label of `value` among `choices`, or `value` itself when it is not one of them. */
export function labelOf(choices: readonly Choice[], value: string): string {
  return choices.find((c) => c.value === value)?.label ?? value
}

/**
 * The choices to offer for a current `value`: `choices`, plus `value` marked
 * unknown when it is set and not among them (so a select never shows a value
 * other than the stored one).
 */
export function withCurrent(choices: readonly Choice[], value: string): Choice[] {
  if (value === "" || choices.some((c) => c.value === value)) return [...choices]
  return [...choices, { value, label: t("unknownValue", { value }) }]
}

/**
 * The partner an organisation name given by a person refers to: the partner
 * whose name equals it, ignoring case and spacing, or whose abbreviation in
 * parentheses does ("DLH" for "Sukamaju City Environment Agency (DLH)").
 */
export function matchPartner(charter: CharterDocument, organisation: string): string | null {
  const wanted = normalise(organisation)
  if (!wanted) return null
  for (const p of list(charter.partners)) {
    const name = normalise(str(p.name))
    const abbreviation = /\(([^)]+)\)\s*$/.exec(name)?.[1]?.trim()
    if (name === wanted || abbreviation === wanted) return str(p.id)
  }
  return null
}

function normalise(text: string): string {
  return text.trim().replace(/\s+/g, " ").toLocaleLowerCase()
}

/** The time zones as choices ("America/New York" for `America/New_York`), keeping `current`. */
export function timeZoneOptions(current: string): Choice[] {
  return timeZoneChoices(current).map((zone) => ({ value: zone, label: zone.replace(/_/g, " ") }))
}
