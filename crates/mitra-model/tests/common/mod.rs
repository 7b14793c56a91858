//! Sample documents shared by the tests.
#![allow(dead_code, missing_docs)]

use automerge::{ActorId, AutoCommit};
use mitra_model::*;

/// A charter with something in every field.
pub fn sample_charter() -> Charter {
    let mut c = Charter::new("Udara Bersih Bandung", Language::Indonesian);
    c.purpose = Text::from("Reduce air pollution near schools.");
    c.vision = Text::from("Every child breathes clean air.");
    c.types = vec![PartnershipType::MultiSector, PartnershipType::DataDriven];
    c.principles = vec![Principle {
        id: "pr-1".into(),
        title: "Transparency".into(),
        description: "All data is shared with every partner.".into(),
    }];
    let mut p1 = Partner::new("p-1", "Dinas Lingkungan Hidup", Sector::Government);
    p1.contributions.push(Contribution {
        id: "c-1".into(),
        kind: ContributionKind::Infrastructure,
        description: "Air sensors".into(),
    });
    p1.representatives.push(Representative {
        id: "r-1".into(),
        name: "Sari".into(),
        role: "Programme lead".into(),
        email: Some("sari@example.org".into()),
    });
    let mut p2 = Partner::new("p-2", "PT Angin Segar", Sector::Business);
    p2.contributions.push(Contribution {
        id: "c-2".into(),
        kind: ContributionKind::Funding,
        description: "Sensor maintenance".into(),
    });
    let p3 = Partner::new("p-3", "Komunitas Hijau", Sector::Community);
    c.partners = vec![p1, p2, p3];
    let mut g = Goal::new("g-1", "Cut PM2.5 near schools");
    g.description = Text::from("Lower the yearly mean PM2.5 at ten schools.");
    g.smart = Smart {
        specific: "Ten schools in Bandung".into(),
        measurable: "Yearly mean PM2.5 below 25".into(),
        achievable: "Sensors, planting, traffic changes".into(),
        relevant: "Children's health".into(),
        time_bound: Some("2026-12-31".into()),
    };
    g.status = GoalStatus::Agreed;
    g.owner_ids = vec!["p-1".into(), "p-3".into()];
    let mut ind = Indicator::new("i-1", "PM2.5 yearly mean", "µg/m³");
    ind.baseline = Some(41.5);
    ind.target = Some(25.0);
    ind.target_date = Some("2026-12-31".into());
    ind.measurements.push(Measurement {
        id: "m-1".into(),
        date: "2025-06-30".into(),
        value: 37.25,
        source: "Sensor network".into(),
        note: String::new(),
    });
    ind.feedback.push(Feedback {
        id: "f-1".into(),
        date: "2025-07-02".into(),
        source: "Parents' meeting".into(),
        text: "Fewer children cough in the mornings.".into(),
    });
    g.indicators.push(ind);
    c.goals.push(g);
    c.goals
        .push(Goal::new("g-2", "Plant trees along school roads"));
    c.roles = vec![
        RoleAssignment {
            id: "ra-1".into(),
            goal_id: Some("g-1".into()),
            partner_id: "p-1".into(),
            raci: Raci::Accountable,
            description: "Reports to the city".into(),
        },
        RoleAssignment {
            id: "ra-2".into(),
            goal_id: None,
            partner_id: "p-2".into(),
            raci: Raci::Informed,
            description: String::new(),
        },
    ];
    c.communication = CommunicationPlan {
        cadence: "monthly".into(),
        channels: vec![Channel {
            id: "ch-1".into(),
            name: "WhatsApp group".into(),
            purpose: "Day-to-day coordination".into(),
            owner_partner_id: Some("p-3".into()),
        }],
        information_duties: vec![InformationDuty {
            id: "d-1".into(),
            partner_id: "p-3".into(),
            person: "Budi".into(),
            what: "Monthly summary to schools".into(),
        }],
    };
    c.risks = vec![Risk {
        id: "k-1".into(),
        title: "Sensor funding ends".into(),
        category: RiskCategory::Funding,
        description: String::new(),
        likelihood: Level::Medium,
        impact: Level::High,
        mitigations: vec![Mitigation {
            id: "mi-1".into(),
            action: "Apply for a city grant".into(),
            owner_partner_id: Some("p-1".into()),
        }],
    }];
    c.resources = vec![Resource {
        id: "rs-1".into(),
        kind: ResourceKind::PooledFunding,
        description: "Shared budget".into(),
        partner_id: None,
        amount: Some(150_000_000.0),
        currency: Some("IDR".into()),
    }];
    c.sustainability = Text::from("The city takes over the sensors in 2027.");
    c.meetings = vec![MeetingLink {
        id: "ml-1".into(),
        url: "automerge:4NMNnkMhL8jXrdJ9jamS58PAVdXu".into(),
        title: "Kick-off".into(),
        start: "2025-03-04T09:30:00+07:00".into(),
    }];
    c
}

/// A meeting with something in every field.
pub fn sample_meeting() -> Meeting {
    let mut m = Meeting::new("Kick-off", "2025-03-04T09:30:00+07:00", "Asia/Jakarta");
    m.charter_url = Some("automerge:4NMNnkMhL8jXrdJ9jamS58PAVdXu".into());
    m.attendees = vec![
        Attendee {
            id: "at-1".into(),
            name: "Sari".into(),
            organisation: "Dinas Lingkungan Hidup".into(),
            partner_id: Some("p-1".into()),
        },
        Attendee {
            id: "at-2".into(),
            name: "Guest".into(),
            organisation: "University".into(),
            partner_id: None,
        },
    ];
    m.agenda = vec![AgendaItem {
        id: "a-1".into(),
        title: "Sensor placement".into(),
        presenter: "Sari".into(),
        duration_minutes: Some(20),
        done: false,
    }];
    m.notes = Text::from("Notes:\n");
    m.decisions = vec![Decision {
        id: "de-1".into(),
        text: "Start with five schools".into(),
        method: DecisionMethod::Consensus,
        date: "2025-03-04".into(),
        goal_id: Some("g-1".into()),
    }];
    let mut a = ActionItem::new("ac-1", "Order sensors");
    a.owner_partner_id = Some("p-2".into());
    a.due = Some("2025-04-01".into());
    a.goal_id = Some("g-1".into());
    m.actions = vec![a];
    m
}

/// A second replica of `doc` with its own actor.
pub fn fork(doc: &mut AutoCommit, actor: u8) -> AutoCommit {
    doc.fork().with_actor(ActorId::from(vec![actor; 16]))
}

/// Merges `b` into `a` and `a` into `b`.
pub fn sync(a: &mut AutoCommit, b: &mut AutoCommit) {
    a.merge(b).expect("merge b into a");
    b.merge(a).expect("merge a into b");
}

/// Loads the charter and asserts that reading found no problem.
pub fn load_clean_charter(doc: &AutoCommit) -> Charter {
    let (c, problems) = charter::load(doc).expect("load charter");
    assert!(problems.is_empty(), "unexpected problems: {problems:#?}");
    c
}

/// Loads the meeting and asserts that reading found no problem.
pub fn load_clean_meeting(doc: &AutoCommit) -> Meeting {
    let (m, problems) = meeting::load(doc).expect("load meeting");
    assert!(problems.is_empty(), "unexpected problems: {problems:#?}");
    m
}
