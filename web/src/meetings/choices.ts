// What the selects of this section offer besides the charter's partners
// (../ui/fields): the charter's goals by id, the enumerations with their
// labels in the interface language, and the time zones. Values a newer
// client wrote, or ids of items since removed, are shown as they are rather
// than hidden.
import { ACTION_STATUSES, DECISION_METHODS, type CharterDocument } from "../generated/model"
import { list, str } from "../model/values"
import { enumSpec, type Choice } from "../ui/fields"
import { normaliseName } from "./edit"
import { t } from "./messages"
import { timeZoneChoices } from "./time"

/** The statuses of an action item, named in the interface language (unknown values as they are). */
export const ACTION_STATUS = enumSpec(ACTION_STATUSES, (status) => t(`actionStatus_${status}`))

/** The ways a decision is taken, named in the interface language (unknown values as they are). */
export const DECISION_METHOD = enumSpec(DECISION_METHODS, (method) => t(`decisionMethod_${method}`))

/** The charter's goals, by id, in charter order. */
export function goalChoices(charter: CharterDocument): Choice[] {
  return list(charter.goals).map((g) => ({ value: str(g.id), label: str(g.title) || str(g.id) }))
}

/**
 * The partner an organisation name given by a person refers to: the partner
 * whose name equals it, ignoring case and spacing, or whose abbreviation in
 * parentheses does ("DLH" for "Sukamaju City Environment Agency (DLH)").
 */
export function matchPartner(charter: CharterDocument, organisation: string): string | null {
  const wanted = normaliseName(organisation)
  if (!wanted) return null
  for (const p of list(charter.partners)) {
    const name = normaliseName(str(p.name))
    const abbreviation = /\(([^)]+)\)\s*$/.exec(name)?.[1]?.trim()
    if (name === wanted || abbreviation === wanted) return str(p.id)
  }
  return null
}

/** The time zones as choices ("America/New York" for `America/New_York`), keeping `current`. */
export function timeZoneOptions(current: string): Choice[] {
  return timeZoneChoices(current).map((zone) => ({ value: zone, label: zone.replace(/_/g, " ") }))
}
