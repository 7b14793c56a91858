// A partner's place in the charter: what refers to it, and removing it with
// every reference in one change, so that nothing points at a partner that is
// gone.
import type { CharterDocument } from "../generated/model"
import { removeById, removeWhere, setHas, setMember } from "../model/lists"
import { list, str } from "../model/values"

/** What in a charter refers to a partner. */
export type PartnerReferences = {
  /** Its role assignments (RACI cells). */
  roles: number
  /** Goals it owns. */
  goals: number
  /** Its information duties. */
  duties: number
  /** Channels it runs, mitigations it takes, resources it provides. */
  owned: number
}

/** Counts what in `charter` refers to the partner `partnerId`. */
export function partnerReferences(charter: CharterDocument, partnerId: string): PartnerReferences {
  const is = (value: unknown) => str(value) === partnerId
  const communication = charter.communication
  return {
    roles: list(charter.roles).filter((r) => is(r.partnerId)).length,
    goals: list(charter.goals).filter((g) => setHas(g.ownerIds, partnerId)).length,
    duties: list(communication?.informationDuties).filter((d) => is(d.partnerId)).length,
    owned:
      list(communication?.channels).filter((c) => is(c.ownerPartnerId)).length +
      list(charter.risks).flatMap((r) => list(r.mitigations)).filter((m) => is(m.ownerPartnerId)).length +
      list(charter.resources).filter((r) => is(r.partnerId)).length,
  }
}

/** Whether anything refers to the partner. */
export function isReferenced(refs: PartnerReferences): boolean {
  return refs.roles + refs.goals + refs.duties + refs.owned > 0
}

/**
 * Removes the partner `partnerId` from a draft charter, with its role
 * assignments and information duties; goals, channels, mitigations and
 * resources it owned lose their owner.
 */
export function removePartner(draft: CharterDocument, partnerId: string): void {
  const is = (value: unknown) => str(value) === partnerId
  removeById(draft.partners, partnerId)
  removeWhere(draft.roles, (r) => is(r.partnerId))
  for (const goal of list(draft.goals)) {
    if (Array.isArray(goal.ownerIds)) setMember(goal.ownerIds, partnerId, false)
  }
  const communication = draft.communication
  if (communication) {
    removeWhere(communication.informationDuties, (d) => is(d.partnerId))
    for (const channel of list(communication.channels)) if (is(channel.ownerPartnerId)) channel.ownerPartnerId = null
  }
  for (const risk of list(draft.risks)) {
    for (const mitigation of list(risk.mitigations)) if (is(mitigation.ownerPartnerId)) mitigation.ownerPartnerId = null
  }
  for (const resource of list(draft.resources)) if (is(resource.partnerId)) resource.partnerId = null
}
