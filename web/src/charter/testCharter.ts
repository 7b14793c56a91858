// A small charter for the tests, built as the Rust demo builds its own:
// partners, goals, roles and everything that refers to partners.
import * as A from "@automerge/automerge"

import type { CharterDocument } from "../generated/model"
import { newCharter, newGoal } from "../model/create"
import { scalar } from "../model/values"
import {
  newChannel,
  newInformationDuty,
  newMitigation,
  newPartner,
  newResource,
  newRisk,
  newRoleAssignment,
} from "./factories"

/** Ids of the test charter's items. */
export type TestIds = { city: string; ngo: string; campus: string; air: string; schools: string }

/**
 * A charter with three partners (city, ngo, campus), two goals (air,
 * schools), role assignments, and the city named in every place a partner
 * can be named.
 */
export function testCharter(): { doc: A.Doc<CharterDocument>; ids: TestIds } {
  const base = newCharter("Clean Air", "en")
  const city = withId(newPartner("City Environment Agency"), "p-city")
  const ngo = withId(newPartner("Udara Kita Foundation"), "p-ngo")
  const campus = withId(newPartner("Institute of Technology"), "p-campus")
  const air = withId(newGoal("Cut PM2.5"), "g-air")
  const schools = withId(newGoal("Cleaner air at schools"), "g-schools")
  air.ownerIds = [scalar("p-city"), scalar("p-ngo")]
  schools.ownerIds = [scalar("p-campus")]
  const roles = [
    newRoleAssignment(null, "p-city", "accountable"),
    newRoleAssignment("g-air", "p-city", "accountable"),
    newRoleAssignment("g-air", "p-ngo", "consulted"),
    newRoleAssignment("g-schools", "p-campus", "responsible"),
  ]
  roles[1].description = scalar("Enforces the ban on open burning")
  const channel = newChannel("p-city")
  const otherChannel = newChannel("p-ngo")
  const risk = newRisk("Funding ends")
  risk.mitigations = [newMitigation("p-city"), newMitigation("p-campus")]
  const resource = newResource()
  resource.partnerId = scalar("p-city")
  const doc = A.from<CharterDocument>({
    ...base,
    partners: [city, ngo, campus],
    goals: [air, schools],
    roles,
    communication: {
      cadence: scalar("monthly"),
      channels: [channel, otherChannel],
      informationDuties: [newInformationDuty("p-city"), newInformationDuty("p-campus")],
    },
    risks: [risk],
    resources: [resource],
  })
  return { doc, ids: { city: "p-city", ngo: "p-ngo", campus: "p-campus", air: "g-air", schools: "g-schools" } }
}

function withId<T extends { id: string }>(item: T, id: string): T {
  return { ...item, id: scalar(id) }
}
