// Generated from crates/mitra-model by ts-rs. Do not edit.
// Regenerate with: MITRA_UPDATE_TYPES=1 cargo test -p mitra-model
//
// Field names are the keys of the automerge documents. Fields typed
// `string` whose docs say "collaborative text" are automerge text
// objects: edit them with `updateText`/`splice`, not by assignment.
// Enumerations accept unknown strings, which newer clients may write.

/** The schema version this model describes. */
export const CURRENT_SCHEMA_VERSION = 1;

/** The root of a charter document. */
export type CharterDocument = Charter & { docType: "charter", schemaVersion: number, };

/** The root of a meeting document. */
export type MeetingDocument = Meeting & { docType: "meeting", schemaVersion: number, };

/**
 * The charter of a partnership: the root of its document.
 */
export type Charter = {
/**
 * The partnership's name.
 */
name: string,
/**
 * Why the partnership exists and the problem it addresses
 * (collaborative text).
 */
purpose: string,
/**
 * The shared vision: what success looks like (collaborative text).
 */
vision: string,
/**
 * What kind of partnership this is (a set).
 */
types: Array<PartnershipType>,
/**
 * The principles the partners commit to.
 */
principles: Array<Principle>,
/**
 * The partner organisations.
 */
partners: Array<Partner>,
/**
 * Who is responsible, accountable, consulted and informed, per goal
 * or for the partnership as a whole.
 */
roles: Array<RoleAssignment>,
/**
 * The partnership's goals.
 */
goals: Array<Goal>,
/**
 * How the partners keep each other informed.
 */
communication: CommunicationPlan,
/**
 * Challenges and risks, with their mitigations.
 */
risks: Array<Risk>,
/**
 * Funding and other resources.
 */
resources: Array<Resource>,
/**
 * How the work continues beyond the current resources
 * (collaborative text).
 */
sustainability: string,
/**
 * The partnership's meetings, each its own document.
 */
meetings: Array<MeetingLink>,
/**
 * The language the partnership works in.
 */
language: Language, };

/**
 * A principle the partners commit to (shared goal, mutual benefit,
 * transparency, ...).
 */
export type Principle = {
/**
 * Stable id of this item, unique within its list, made by the
 * caller (for example a random UUID).
 */
id: string,
/**
 * Short name.
 */
title: string,
/**
 * What it means for this partnership.
 */
description: string, };

/**
 * A partner organisation.
 */
export type Partner = {
/**
 * Stable id of this item, unique within its list, made by the
 * caller (for example a random UUID).
 */
id: string,
/**
 * The organisation's name.
 */
name: string,
/**
 * Its sector.
 */
sector: Sector,
/**
 * What it brings to the partnership.
 */
contributions: Array<Contribution>,
/**
 * The people who represent it.
 */
representatives: Array<Representative>, };

/**
 * Something a partner brings.
 */
export type Contribution = {
/**
 * Stable id of this item, unique within its list, made by the
 * caller (for example a random UUID).
 */
id: string,
/**
 * What kind of contribution.
 */
kind: ContributionKind,
/**
 * Details.
 */
description: string, };

/**
 * A person who represents a partner.
 */
export type Representative = {
/**
 * Stable id of this item, unique within its list, made by the
 * caller (for example a random UUID).
 */
id: string,
/**
 * Full name.
 */
name: string,
/**
 * Role in the partnership or the organisation.
 */
role: string,
/**
 * E-mail address, if shared.
 */
email: string | null, };

/**
 * A partner's part (RACI) in a goal or in the partnership.
 */
export type RoleAssignment = {
/**
 * Stable id of this item, unique within its list, made by the
 * caller (for example a random UUID).
 */
id: string,
/**
 * The goal, or `None` for the partnership as a whole.
 */
goalId: string | null,
/**
 * The partner.
 */
partnerId: string,
/**
 * Responsible, accountable, consulted or informed.
 */
raci: Raci,
/**
 * What exactly the partner does.
 */
description: string, };

/**
 * A goal of the partnership.
 */
export type Goal = {
/**
 * Stable id of this item, unique within its list, made by the
 * caller (for example a random UUID).
 */
id: string,
/**
 * Short title.
 */
title: string,
/**
 * The goal in full (collaborative text).
 */
description: string,
/**
 * The goal's SMART parts.
 */
smart: Smart,
/**
 * Where the goal stands.
 */
status: GoalStatus,
/**
 * The partners that own the goal (a set of partner ids).
 */
ownerIds: Array<string>,
/**
 * How progress is measured.
 */
indicators: Array<Indicator>, };

/**
 * The SMART parts of a goal.
 */
export type Smart = {
/**
 * Specific: what exactly will be achieved.
 */
specific: string,
/**
 * Measurable: the measurable target.
 */
measurable: string,
/**
 * Achievable: with which resources.
 */
achievable: string,
/**
 * Relevant: why it matters to the purpose.
 */
relevant: string,
/**
 * Time-bound: the date by which it is achieved (`YYYY-MM-DD`).
 */
timeBound: string | null, };

/**
 * A measure of a goal's progress: quantitative measurements and
 * qualitative feedback.
 */
export type Indicator = {
/**
 * Stable id of this item, unique within its list, made by the
 * caller (for example a random UUID).
 */
id: string,
/**
 * What is measured.
 */
name: string,
/**
 * The unit of the values (people, %, tonnes, ...).
 */
unit: string,
/**
 * The value at the start.
 */
baseline: number | null,
/**
 * The value aimed for.
 */
target: number | null,
/**
 * When the target should be reached (`YYYY-MM-DD`).
 */
targetDate: string | null,
/**
 * Measurements over time.
 */
measurements: Array<Measurement>,
/**
 * Qualitative feedback (for example from the community).
 */
feedback: Array<Feedback>, };

/**
 * One dated measurement of an indicator.
 */
export type Measurement = {
/**
 * Stable id of this item, unique within its list, made by the
 * caller (for example a random UUID).
 */
id: string,
/**
 * When it was measured (`YYYY-MM-DD`).
 */
date: string,
/**
 * The value, in the indicator's unit.
 */
value: number,
/**
 * Where the value comes from (survey, register, ...).
 */
source: string,
/**
 * Anything worth knowing about it.
 */
note: string, };

/**
 * A piece of qualitative feedback.
 */
export type Feedback = {
/**
 * Stable id of this item, unique within its list, made by the
 * caller (for example a random UUID).
 */
id: string,
/**
 * When it was given (`YYYY-MM-DD`).
 */
date: string,
/**
 * Who or where it comes from.
 */
source: string,
/**
 * What was said.
 */
text: string, };

/**
 * How the partners keep each other informed.
 */
export type CommunicationPlan = {
/**
 * How often the partners meet (e.g. "monthly").
 */
cadence: string,
/**
 * The channels they use.
 */
channels: Array<Channel>,
/**
 * Who spreads which information.
 */
informationDuties: Array<InformationDuty>, };

/**
 * A communication channel.
 */
export type Channel = {
/**
 * Stable id of this item, unique within its list, made by the
 * caller (for example a random UUID).
 */
id: string,
/**
 * Its name (e.g. "WhatsApp group", "monthly newsletter").
 */
name: string,
/**
 * What it is used for.
 */
purpose: string,
/**
 * The partner that runs it.
 */
ownerPartnerId: string | null, };

/**
 * A partner's duty to spread information.
 */
export type InformationDuty = {
/**
 * Stable id of this item, unique within its list, made by the
 * caller (for example a random UUID).
 */
id: string,
/**
 * The partner.
 */
partnerId: string,
/**
 * The person, if one is named.
 */
person: string,
/**
 * What they share, with whom.
 */
what: string, };

/**
 * A challenge or risk.
 */
export type Risk = {
/**
 * Stable id of this item, unique within its list, made by the
 * caller (for example a random UUID).
 */
id: string,
/**
 * Short title.
 */
title: string,
/**
 * Its kind.
 */
category: RiskCategory,
/**
 * Details.
 */
description: string,
/**
 * How likely it is.
 */
likelihood: Level,
/**
 * How much harm it would do.
 */
impact: Level,
/**
 * What the partners do about it.
 */
mitigations: Array<Mitigation>, };

/**
 * Something done about a risk.
 */
export type Mitigation = {
/**
 * Stable id of this item, unique within its list, made by the
 * caller (for example a random UUID).
 */
id: string,
/**
 * The action.
 */
action: string,
/**
 * The partner that takes it.
 */
ownerPartnerId: string | null, };

/**
 * A resource of the partnership.
 */
export type Resource = {
/**
 * Stable id of this item, unique within its list, made by the
 * caller (for example a random UUID).
 */
id: string,
/**
 * Its kind.
 */
kind: ResourceKind,
/**
 * Details.
 */
description: string,
/**
 * The partner that provides it.
 */
partnerId: string | null,
/**
 * Its amount, in `currency`.
 */
amount: number | null,
/**
 * ISO 4217 currency code (e.g. "IDR").
 */
currency: string | null, };

/**
 * A link from the charter to a meeting document, with what a list of
 * meetings shows.
 */
export type MeetingLink = {
/**
 * Stable id of this item, unique within its list, made by the
 * caller (for example a random UUID).
 */
id: string,
/**
 * The meeting document's automerge URL (`automerge:...`).
 */
url: string,
/**
 * The meeting's title.
 */
title: string,
/**
 * When it starts (RFC 3339 with offset).
 */
start: string, };

/**
 * A meeting: the root of its document.
 */
export type Meeting = {
/**
 * The meeting's title.
 */
title: string,
/**
 * When it starts: RFC 3339 with the offset in force at that time
 * (`2025-03-04T09:30:00+07:00`).
 */
start: string,
/**
 * The IANA time zone it was planned in (`Asia/Jakarta`), so that a
 * recurring time can be recomputed and readers can show it local.
 */
timeZone: string,
/**
 * The charter document of the partnership (`automerge:...`).
 */
charterUrl: string | null,
/**
 * Who attends.
 */
attendees: Array<Attendee>,
/**
 * The agenda.
 */
agenda: Array<AgendaItem>,
/**
 * The notes, written together during the meeting (collaborative
 * text).
 */
notes: string,
/**
 * What was decided.
 */
decisions: Array<Decision>,
/**
 * What is to be done.
 */
actions: Array<ActionItem>, };

/**
 * A person attending a meeting.
 */
export type Attendee = {
/**
 * Stable id of this item, unique within its list, made by the
 * caller (for example a random UUID).
 */
id: string,
/**
 * The person's name.
 */
name: string,
/**
 * Their organisation, as they gave it.
 */
organisation: string,
/**
 * Their organisation's partner id, when it is a partner.
 */
partnerId: string | null, };

/**
 * An item on a meeting's agenda.
 */
export type AgendaItem = {
/**
 * Stable id of this item, unique within its list, made by the
 * caller (for example a random UUID).
 */
id: string,
/**
 * What is discussed.
 */
title: string,
/**
 * Who leads it.
 */
presenter: string,
/**
 * Time planned for it, in minutes.
 */
durationMinutes: number | null,
/**
 * Whether it has been dealt with.
 */
done: boolean, };

/**
 * A decision taken in a meeting.
 */
export type Decision = {
/**
 * Stable id of this item, unique within its list, made by the
 * caller (for example a random UUID).
 */
id: string,
/**
 * What was decided.
 */
text: string,
/**
 * How it was decided.
 */
method: DecisionMethod,
/**
 * When (`YYYY-MM-DD`).
 */
date: string,
/**
 * The goal it concerns, if any.
 */
goalId: string | null, };

/**
 * An action item from a meeting.
 */
export type ActionItem = {
/**
 * Stable id of this item, unique within its list, made by the
 * caller (for example a random UUID).
 */
id: string,
/**
 * What is to be done.
 */
task: string,
/**
 * The partner that does it.
 */
ownerPartnerId: string | null,
/**
 * When it is due (`YYYY-MM-DD`).
 */
due: string | null,
/**
 * Where it stands.
 */
status: ActionStatus,
/**
 * The goal it serves, if any.
 */
goalId: string | null, };

/**
 * The language a partnership works in; the user interface follows it.
 */
export type Language = "en" | "id" | (string & {});

/** The values of Language this version knows, in display order. */
export const LANGUAGES = ["en", "id"] as const;

/**
 * What kind of partnership this is; a partnership can be several.
 */
export type PartnershipType = "serviceDelivery" | "advocacy" | "research" | "capacityBuilding" | "multiSector" | "network" | "virtual" | "dataDriven" | (string & {});

/** The values of PartnershipType this version knows, in display order. */
export const PARTNERSHIP_TYPES = ["serviceDelivery", "advocacy", "research", "capacityBuilding", "multiSector", "network", "virtual", "dataDriven"] as const;

/**
 * The sector a partner organisation belongs to.
 */
export type Sector = "nonprofit" | "business" | "government" | "community" | "education" | "health" | (string & {});

/** The values of Sector this version knows, in display order. */
export const SECTORS = ["nonprofit", "business", "government", "community", "education", "health"] as const;

/**
 * What a partner brings to the partnership.
 */
export type ContributionKind = "funding" | "expertise" | "infrastructure" | "network" | "localKnowledge" | (string & {});

/** The values of ContributionKind this version knows, in display order. */
export const CONTRIBUTION_KINDS = ["funding", "expertise", "infrastructure", "network", "localKnowledge"] as const;

/**
 * A partner's part in a goal (RACI).
 */
export type Raci = "responsible" | "accountable" | "consulted" | "informed" | (string & {});

/** The values of Raci this version knows, in display order. */
export const RACI_ROLES = ["responsible", "accountable", "consulted", "informed"] as const;

/**
 * Where a goal stands.
 */
export type GoalStatus = "proposed" | "agreed" | "inProgress" | "achieved" | "dropped" | (string & {});

/** The values of GoalStatus this version knows, in display order. */
export const GOAL_STATUSES = ["proposed", "agreed", "inProgress", "achieved", "dropped"] as const;

/**
 * The kind of a challenge or risk.
 */
export type RiskCategory = "conflictingPriorities" | "powerImbalance" | "lackOfResources" | "communicationBreakdown" | "sustainability" | "culturalDifferences" | "lackOfTrust" | "funding" | (string & {});

/** The values of RiskCategory this version knows, in display order. */
export const RISK_CATEGORIES = ["conflictingPriorities", "powerImbalance", "lackOfResources", "communicationBreakdown", "sustainability", "culturalDifferences", "lackOfTrust", "funding"] as const;

/**
 * A coarse rating: likelihood or impact of a risk.
 */
export type Level = "low" | "medium" | "high" | (string & {});

/** The values of Level this version knows, in display order. */
export const LEVELS = ["low", "medium", "high"] as const;

/**
 * The kind of a resource of the partnership.
 */
export type ResourceKind = "pooledFunding" | "inKind" | "grant" | "earnedIncome" | (string & {});

/** The values of ResourceKind this version knows, in display order. */
export const RESOURCE_KINDS = ["pooledFunding", "inKind", "grant", "earnedIncome"] as const;

/**
 * How a meeting reached a decision.
 */
export type DecisionMethod = "consensus" | "vote" | "consent" | "delegated" | (string & {});

/** The values of DecisionMethod this version knows, in display order. */
export const DECISION_METHODS = ["consensus", "vote", "consent", "delegated"] as const;

/**
 * Where an action item stands.
 */
export type ActionStatus = "open" | "inProgress" | "done" | "cancelled" | (string & {});

/** The values of ActionStatus this version knows, in display order. */
export const ACTION_STATUSES = ["open", "inProgress", "done", "cancelled"] as const;
