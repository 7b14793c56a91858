// The shape of charter and meeting documents as the history reads them:
// which fields hold lists of items, what each kind of item is called and
// which of its fields names it, so that a change's path (`["goals", 2,
// "title"]`) can be told as `Goal "Clean water" › title`. Field names are
// those of src/generated/model.ts.
import { CONTRIBUTION_KIND, RACI, RESOURCE_KIND } from "../charter/labels"
import { list, num, str } from "../model/values"
import { t, type MessageKey } from "./messages"

/** The kinds of document with a history. */
export type DocKind = "charter" | "meeting"

/** A field name with a label for fields inside items. */
export type ItemFieldName = MessageKey extends infer K ? (K extends `field.${infer N}` ? N : never) : never
/** The kinds of list item. */
export type ItemKindName = MessageKey extends infer K ? (K extends `item.${infer N}` ? N : never) : never

/** What a field holds: a value (leaf), an object with fields, or a list of items. */
export type Shape =
  | { type: "leaf" }
  | { type: "object"; fields: Readonly<Record<string, Field>> }
  | { type: "list"; item: ItemKind }

/** A field: its label and what it holds. */
export type Field = { label: () => string; shape: Shape }

/** A kind of list item: its name, how one is named, and its fields. */
export type ItemKind = {
  kind: ItemKindName
  /** What a person calls this item (empty when it has no name yet); `root` is the whole document. */
  name: (item: Record<string, unknown>, root: Record<string, unknown>) => string
  fields: Readonly<Record<string, Field>>
}

const LEAF: Shape = { type: "leaf" }

/** A field inside an item, labelled from the `field.*` table. */
function field(name: ItemFieldName, shape: Shape = LEAF): [string, Field] {
  return [name, { label: () => t(`field.${name}`), shape }]
}

function fields(...entries: [string, Field][]): Readonly<Record<string, Field>> {
  return Object.fromEntries(entries)
}

function listOf(item: ItemKind): Shape {
  return { type: "list", item }
}

/** The first of `values` that is not empty. */
function firstOf(...values: string[]): string {
  return values.find((v) => v.trim() !== "") ?? ""
}

/** The name of the partner with `id` in the charter `root`, or the id itself. */
function partnerName(root: Record<string, unknown>, id: unknown): string {
  const wanted = str(id)
  const partner = list(root.partners as Record<string, unknown>[] | undefined).find((p) => str(p.id) === wanted)
  return partner ? str(partner.name) : wanted
}

const CONTRIBUTION: ItemKind = {
  kind: "contribution",
  name: (c) => firstOf(str(c.description), CONTRIBUTION_KIND.label(c.kind)),
  fields: fields(field("id"), field("kind"), field("description")),
}

const REPRESENTATIVE: ItemKind = {
  kind: "representative",
  name: (r) => str(r.name),
  fields: fields(field("id"), field("name"), field("role"), field("email")),
}

const PARTNER: ItemKind = {
  kind: "partner",
  name: (p) => str(p.name),
  fields: fields(
    field("id"),
    field("name"),
    field("sector"),
    field("contributions", listOf(CONTRIBUTION)),
    field("representatives", listOf(REPRESENTATIVE)),
  ),
}

const PRINCIPLE: ItemKind = {
  kind: "principle",
  name: (p) => str(p.title),
  fields: fields(field("id"), field("title"), field("description")),
}

const ROLE: ItemKind = {
  kind: "role",
  name: (r, root) => [partnerName(root, r.partnerId), RACI.label(r.raci)].filter(Boolean).join(" · "),
  fields: fields(field("id"), field("goalId"), field("partnerId"), field("raci"), field("description")),
}

const MEASUREMENT: ItemKind = {
  kind: "measurement",
  name: (m) => [str(m.date), num(m.value)?.toString() ?? ""].filter(Boolean).join(": "),
  fields: fields(field("id"), field("date"), field("value"), field("source"), field("note")),
}

const FEEDBACK: ItemKind = {
  kind: "feedback",
  name: (f) => [str(f.date), str(f.source)].filter(Boolean).join(" · "),
  fields: fields(field("id"), field("date"), field("source"), field("text")),
}

const INDICATOR: ItemKind = {
  kind: "indicator",
  name: (i) => str(i.name),
  fields: fields(
    field("id"),
    field("name"),
    field("unit"),
    field("baseline"),
    field("target"),
    field("targetDate"),
    field("measurements", listOf(MEASUREMENT)),
    field("feedback", listOf(FEEDBACK)),
  ),
}

const SMART: Shape = {
  type: "object",
  fields: fields(field("specific"), field("measurable"), field("achievable"), field("relevant"), field("timeBound")),
}

const GOAL: ItemKind = {
  kind: "goal",
  name: (g) => str(g.title),
  fields: fields(
    field("id"),
    field("title"),
    field("description"),
    field("smart", SMART),
    field("status"),
    field("ownerIds"),
    field("indicators", listOf(INDICATOR)),
  ),
}

const CHANNEL: ItemKind = {
  kind: "channel",
  name: (c) => str(c.name),
  fields: fields(field("id"), field("name"), field("purpose"), field("ownerPartnerId")),
}

const DUTY: ItemKind = {
  kind: "duty",
  name: (d, root) => firstOf(str(d.what), str(d.person), partnerName(root, d.partnerId)),
  fields: fields(field("id"), field("partnerId"), field("person"), field("what")),
}

const MITIGATION: ItemKind = {
  kind: "mitigation",
  name: (m) => str(m.action),
  fields: fields(field("id"), field("action"), field("ownerPartnerId")),
}

const RISK: ItemKind = {
  kind: "risk",
  name: (r) => str(r.title),
  fields: fields(
    field("id"),
    field("title"),
    field("category"),
    field("description"),
    field("likelihood"),
    field("impact"),
    field("mitigations", listOf(MITIGATION)),
  ),
}

const RESOURCE: ItemKind = {
  kind: "resource",
  name: (r) => firstOf(str(r.description), RESOURCE_KIND.label(r.kind)),
  fields: fields(
    field("id"),
    field("kind"),
    field("description"),
    field("partnerId"),
    field("amount"),
    field("currency"),
  ),
}

const MEETING_LINK: ItemKind = {
  kind: "meetingLink",
  name: (m) => str(m.title),
  fields: fields(field("id"), field("url"), field("title"), field("start")),
}

const ATTENDEE: ItemKind = {
  kind: "attendee",
  name: (a) => str(a.name),
  fields: fields(field("id"), field("name"), field("organisation"), field("partnerId")),
}

const AGENDA_ITEM: ItemKind = {
  kind: "agendaItem",
  name: (a) => str(a.title),
  fields: fields(field("id"), field("title"), field("presenter"), field("durationMinutes"), field("done")),
}

const DECISION: ItemKind = {
  kind: "decision",
  name: (d) => str(d.text),
  fields: fields(field("id"), field("text"), field("method"), field("date"), field("goalId")),
}

const ACTION: ItemKind = {
  kind: "action",
  name: (a) => str(a.task),
  fields: fields(field("id"), field("task"), field("ownerPartnerId"), field("due"), field("status"), field("goalId")),
}

/** A top-level field of a charter, labelled from the `charter.*` table. */
function charterField(name: CharterFieldName, shape: Shape = LEAF): [string, Field] {
  return [name, { label: () => t(`charter.${name}`), shape }]
}
type CharterFieldName = MessageKey extends infer K ? (K extends `charter.${infer N}` ? N : never) : never

/** A top-level field of a meeting, labelled from the `meeting.*` table. */
function meetingField(name: MeetingFieldName, shape: Shape = LEAF): [string, Field] {
  return [name, { label: () => t(`meeting.${name}`), shape }]
}
type MeetingFieldName = MessageKey extends infer K ? (K extends `meeting.${infer N}` ? N : never) : never

/** The charter document's fields. */
export const CHARTER_SHAPE: Shape = {
  type: "object",
  fields: fields(
    charterField("docType"),
    charterField("schemaVersion"),
    charterField("name"),
    charterField("purpose"),
    charterField("vision"),
    charterField("types"),
    charterField("principles", listOf(PRINCIPLE)),
    charterField("partners", listOf(PARTNER)),
    charterField("roles", listOf(ROLE)),
    charterField("goals", listOf(GOAL)),
    charterField("communication", {
      type: "object",
      fields: fields(
        field("cadence"),
        field("channels", listOf(CHANNEL)),
        field("informationDuties", listOf(DUTY)),
      ),
    }),
    charterField("risks", listOf(RISK)),
    charterField("resources", listOf(RESOURCE)),
    charterField("sustainability"),
    charterField("meetings", listOf(MEETING_LINK)),
    charterField("language"),
  ),
}

/** The meeting document's fields. */
export const MEETING_SHAPE: Shape = {
  type: "object",
  fields: fields(
    meetingField("docType"),
    meetingField("schemaVersion"),
    meetingField("title"),
    meetingField("start"),
    meetingField("timeZone"),
    meetingField("charterUrl"),
    meetingField("attendees", listOf(ATTENDEE)),
    meetingField("agenda", listOf(AGENDA_ITEM)),
    meetingField("notes"),
    meetingField("decisions", listOf(DECISION)),
    meetingField("actions", listOf(ACTION)),
  ),
}

/** The shape of a kind of document. */
export function shapeOf(kind: DocKind): Shape {
  return kind === "charter" ? CHARTER_SHAPE : MEETING_SHAPE
}

/** The label of a kind of item. */
export function itemKindLabel(kind: ItemKindName): string {
  return t(`item.${kind}`)
}
