// New charter list items, shaped exactly as the Rust model writes them
// (crates/mitra-model): every field present, `null` for absent optionals,
// plain strings as scalars, and the Rust model's default enum values.
import type {
  Channel,
  Contribution,
  ContributionKind,
  InformationDuty,
  Mitigation,
  Partner,
  Principle,
  Raci,
  Representative,
  Resource,
  Risk,
  RoleAssignment,
} from "../generated/model"
import { newId, optScalar, scalar } from "../model/values"

/** A new principle. */
export function newPrinciple(title = ""): Principle {
  return { id: scalar(newId()), title: scalar(title), description: scalar("") }
}

/** A new partner organisation (sector "nonprofit", the model's default). */
export function newPartner(name = ""): Partner {
  return { id: scalar(newId()), name: scalar(name), sector: scalar("nonprofit"), contributions: [], representatives: [] }
}

/** A new contribution of a partner (kind "expertise", the model's default). */
export function newContribution(kind: ContributionKind = "expertise"): Contribution {
  return { id: scalar(newId()), kind: scalar(kind), description: scalar("") }
}

/** A new representative of a partner. */
export function newRepresentative(name = ""): Representative {
  return { id: scalar(newId()), name: scalar(name), role: scalar(""), email: null }
}

/** A new role assignment: `partnerId`'s part in a goal (or the partnership, for `null`). */
export function newRoleAssignment(goalId: string | null, partnerId: string, raci: Raci): RoleAssignment {
  return {
    id: scalar(newId()),
    goalId: optScalar(goalId),
    partnerId: scalar(partnerId),
    raci: scalar(raci),
    description: scalar(""),
  }
}

/** A new communication channel. */
export function newChannel(ownerPartnerId: string | null = null): Channel {
  return { id: scalar(newId()), name: scalar(""), purpose: scalar(""), ownerPartnerId: optScalar(ownerPartnerId) }
}

/** A new information duty of `partnerId` ("" until a partner is chosen). */
export function newInformationDuty(partnerId = ""): InformationDuty {
  return { id: scalar(newId()), partnerId: scalar(partnerId), person: scalar(""), what: scalar("") }
}

/** A new risk (category "lackOfResources", medium likelihood and impact: the model's defaults). */
export function newRisk(title = ""): Risk {
  return {
    id: scalar(newId()),
    title: scalar(title),
    category: scalar("lackOfResources"),
    description: scalar(""),
    likelihood: scalar("medium"),
    impact: scalar("medium"),
    mitigations: [],
  }
}

/** A new mitigation of a risk. */
export function newMitigation(ownerPartnerId: string | null = null): Mitigation {
  return { id: scalar(newId()), action: scalar(""), ownerPartnerId: optScalar(ownerPartnerId) }
}

/** A new resource (kind "pooledFunding", the model's default). */
export function newResource(): Resource {
  return {
    id: scalar(newId()),
    kind: scalar("pooledFunding"),
    description: scalar(""),
    partnerId: null,
    amount: null,
    currency: null,
  }
}
