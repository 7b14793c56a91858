//! The model's enumerations, each stored as a camelCase string and each with
//! an `Other(String)` variant that keeps values written by newer clients.

wire_enum! {
    /// The language a partnership works in; the user interface follows it.
    pub enum Language {
        /// English.
        English = "en",
        /// Indonesian (Bahasa Indonesia).
        Indonesian = "id",
    }
    default = English;
}

wire_enum! {
    /// What kind of partnership this is; a partnership can be several.
    pub enum PartnershipType {
        /// Partners deliver a service together.
        ServiceDelivery = "serviceDelivery",
        /// Partners advocate for a cause together.
        Advocacy = "advocacy",
        /// Partners research together.
        Research = "research",
        /// Partners build each other's or a community's capacity.
        CapacityBuilding = "capacityBuilding",
        /// Organisations from several sectors.
        MultiSector = "multiSector",
        /// A network linking the same kind of work in different regions.
        Network = "network",
        /// Partners who work together mostly at a distance.
        Virtual = "virtual",
        /// A partnership built around collecting and using data.
        DataDriven = "dataDriven",
    }
    default = ServiceDelivery;
}

wire_enum! {
    /// The sector a partner organisation belongs to.
    pub enum Sector {
        /// A nonprofit or non-governmental organisation.
        Nonprofit = "nonprofit",
        /// A business.
        Business = "business",
        /// A government agency.
        Government = "government",
        /// A community group.
        Community = "community",
        /// A school or university.
        Education = "education",
        /// A hospital or health service.
        Health = "health",
    }
    default = Nonprofit;
}

wire_enum! {
    /// What a partner brings to the partnership.
    pub enum ContributionKind {
        /// Money.
        Funding = "funding",
        /// Knowledge and skills.
        Expertise = "expertise",
        /// Buildings, equipment, systems.
        Infrastructure = "infrastructure",
        /// Connections to people and organisations.
        Network = "network",
        /// Knowledge of the place and its people.
        LocalKnowledge = "localKnowledge",
    }
    default = Expertise;
}

wire_enum! {
    /// A partner's part in a goal (RACI).
    pub enum Raci {
        /// Does the work.
        Responsible = "responsible",
        /// Answers for the result; one per goal.
        Accountable = "accountable",
        /// Asked before decisions.
        Consulted = "consulted",
        /// Told about progress and decisions.
        Informed = "informed",
    }
    default = Responsible;
}

wire_enum! {
    /// Where a goal stands.
    pub enum GoalStatus {
        /// Proposed by someone, not yet agreed.
        Proposed = "proposed",
        /// Agreed by the partners.
        Agreed = "agreed",
        /// Being worked on.
        InProgress = "inProgress",
        /// Reached.
        Achieved = "achieved",
        /// Given up.
        Dropped = "dropped",
    }
    default = Proposed;
}

wire_enum! {
    /// The kind of a challenge or risk.
    pub enum RiskCategory {
        /// Partners want different things first.
        ConflictingPriorities = "conflictingPriorities",
        /// One partner dominates.
        PowerImbalance = "powerImbalance",
        /// Not enough people, time or money.
        LackOfResources = "lackOfResources",
        /// Partners stop hearing each other.
        CommunicationBreakdown = "communicationBreakdown",
        /// The work may not outlast the funding or the people.
        Sustainability = "sustainability",
        /// Different working cultures.
        CulturalDifferences = "culturalDifferences",
        /// Partners do not trust each other (yet).
        LackOfTrust = "lackOfTrust",
        /// Money is uncertain.
        Funding = "funding",
    }
    default = LackOfResources;
}

wire_enum! {
    /// A coarse rating: likelihood or impact of a risk.
    pub enum Level {
        /// Low.
        Low = "low",
        /// Medium.
        Medium = "medium",
        /// High.
        High = "high",
    }
    default = Medium;
}

wire_enum! {
    /// The kind of a resource of the partnership.
    pub enum ResourceKind {
        /// Money that partners put together.
        PooledFunding = "pooledFunding",
        /// Goods, services, time or space given instead of money.
        InKind = "inKind",
        /// A grant from a funder.
        Grant = "grant",
        /// Money the partnership earns.
        EarnedIncome = "earnedIncome",
    }
    default = PooledFunding;
}

wire_enum! {
    /// How a meeting reached a decision.
    pub enum DecisionMethod {
        /// Everyone agreed.
        Consensus = "consensus",
        /// Partners voted.
        Vote = "vote",
        /// Nobody objected.
        Consent = "consent",
        /// A person or body with the mandate decided.
        Delegated = "delegated",
    }
    default = Consensus;
}

wire_enum! {
    /// Where an action item stands.
    pub enum ActionStatus {
        /// Not started.
        Open = "open",
        /// Being worked on.
        InProgress = "inProgress",
        /// Done.
        Done = "done",
        /// Not going to be done.
        Cancelled = "cancelled",
    }
    default = Open;
}
