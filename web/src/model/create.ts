// New documents and list items, shaped exactly as the Rust model writes them
// (crates/mitra-model), so either side reads what the other wrote.
import {
  CURRENT_SCHEMA_VERSION,
  type ActionItem,
  type CharterDocument,
  type Goal,
  type Indicator,
  type Language,
  type MeetingDocument,
} from "../generated/model"
import { newId, scalar } from "./values"

/** A new, empty charter. Collaborative text fields start as empty text. */
export function newCharter(name: string, language: Language): CharterDocument {
  return {
    docType: scalar("charter") as "charter",
    schemaVersion: CURRENT_SCHEMA_VERSION,
    name: scalar(name),
    purpose: "",
    vision: "",
    types: [],
    principles: [],
    partners: [],
    roles: [],
    goals: [],
    communication: { cadence: scalar(""), channels: [], informationDuties: [] },
    risks: [],
    resources: [],
    sustainability: "",
    meetings: [],
    language: scalar(language),
  }
}

/** A new meeting of the partnership whose charter is at `charterUrl`. */
export function newMeeting(title: string, start: string, timeZone: string, charterUrl: string): MeetingDocument {
  return {
    docType: scalar("meeting") as "meeting",
    schemaVersion: CURRENT_SCHEMA_VERSION,
    title: scalar(title),
    start: scalar(start),
    timeZone: scalar(timeZone),
    charterUrl: scalar(charterUrl),
    attendees: [],
    agenda: [],
    notes: "",
    decisions: [],
    actions: [],
  }
}

/** A new goal. */
export function newGoal(title: string): Goal {
  return {
    id: scalar(newId()),
    title: scalar(title),
    description: "",
    smart: {
      specific: scalar(""),
      measurable: scalar(""),
      achievable: scalar(""),
      relevant: scalar(""),
      timeBound: null,
    },
    status: scalar("proposed"),
    ownerIds: [],
    indicators: [],
  }
}

/** A new indicator. */
export function newIndicator(name: string, unit: string): Indicator {
  return {
    id: scalar(newId()),
    name: scalar(name),
    unit: scalar(unit),
    baseline: null,
    target: null,
    targetDate: null,
    measurements: [],
    feedback: [],
  }
}

/** A new action item. */
export function newAction(task: string): ActionItem {
  return {
    id: scalar(newId()),
    task: scalar(task),
    ownerPartnerId: null,
    due: null,
    status: scalar("open"),
    goalId: null,
  }
}
