//! Documents from older, newer or careless clients: read with reported
//! problems, never a panic, and nothing unknown is lost on save.

mod common;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc, ScalarValue, Value};
use common::*;
use mitra_model::*;

fn has_problem(problems: &[Problem], path: &str, pred: impl Fn(&ProblemKind) -> bool) -> bool {
    problems.iter().any(|p| p.path == path && pred(&p.kind))
}

fn v1_doc(ty: &str) -> AutoCommit {
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "docType", ty).expect("put");
    doc.put(ROOT, "schemaVersion", 1).expect("put");
    doc
}

#[test]
fn missing_fields_take_defaults_and_are_reported() {
    let mut doc = v1_doc("charter");
    doc.put(ROOT, "name", "Only a name").expect("put");
    let goals = doc.put_object(ROOT, "goals", ObjType::List).expect("goals");
    let goal = doc.insert_object(&goals, 0, ObjType::Map).expect("goal");
    doc.put(&goal, "id", "g-1").expect("put");
    let (c, problems) = charter::load(&doc).expect("load");
    assert_eq!(c.name, "Only a name");
    assert_eq!(c.goals.len(), 1);
    assert_eq!(c.goals[0].status, GoalStatus::Proposed);
    assert!(c.partners.is_empty());
    assert!(has_problem(&problems, "/purpose", |k| *k == ProblemKind::Missing));
    assert!(has_problem(&problems, "/goals/0/title", |k| *k == ProblemKind::Missing));
    // Optional fields are not problems when absent.
    assert!(!problems.iter().any(|p| p.path.ends_with("timeBound")));
}

#[test]
fn values_of_the_wrong_type_are_reported_and_replaced() {
    let mut doc = v1_doc("charter");
    doc.put(ROOT, "name", 42).expect("put");
    doc.put(ROOT, "partners", "not a list").expect("put");
    let goals = doc.put_object(ROOT, "goals", ObjType::List).expect("goals");
    doc.insert(&goals, 0, "not a goal").expect("insert");
    let goal = doc.insert_object(&goals, 1, ObjType::Map).expect("goal");
    doc.put(&goal, "id", "g-1").expect("put");
    doc.put(&goal, "title", "Fine").expect("put");
    let inds = doc
        .put_object(&goal, "indicators", ObjType::List)
        .expect("inds");
    let ind = doc.insert_object(&inds, 0, ObjType::Map).expect("ind");
    doc.put(&ind, "id", "i-1").expect("put");
    doc.put(&ind, "baseline", "forty").expect("put");
    doc.put(&ind, "target", 25).expect("put"); // an Int, as JavaScript writes
    let (c, problems) = charter::load(&doc).expect("load");
    assert_eq!(c.name, "");
    assert!(has_problem(&problems, "/name", |k| matches!(
        k,
        ProblemKind::WrongType {
            expected: "string",
            ..
        }
    )));
    assert!(has_problem(&problems, "/partners", |k| matches!(
        k,
        ProblemKind::WrongType {
            expected: "list",
            ..
        }
    )));
    assert!(has_problem(&problems, "/goals/0", |k| matches!(
        k,
        ProblemKind::WrongType {
            expected: "map",
            ..
        }
    )));
    assert_eq!(c.goals.len(), 1, "the unreadable item is skipped");
    assert_eq!(c.goals[0].title, "Fine");
    let ind = &c.goals[0].indicators[0];
    assert_eq!(ind.baseline, None);
    assert_eq!(ind.target, Some(25.0));
    assert!(has_problem(
        &problems,
        "/goals/1/indicators/0/baseline",
        |k| matches!(k, ProblemKind::WrongType { .. })
    ));
    for p in &problems {
        assert!(!p.to_string().is_empty());
    }
}

#[test]
fn ids_dates_and_links_are_checked() {
    let mut c = sample_charter();
    c.goals[1].id = "g-1".into();
    c.partners[0].id = String::new();
    c.goals[0].indicators[0].measurements[0].date = "30/06/2025".into();
    c.meetings[0].url = "https://example.org/meeting".into();
    c.meetings[0].start = "tomorrow".into();
    let doc = charter::create(&c).expect("create");
    let (read, problems) = charter::load(&doc).expect("load");
    assert_eq!(read.goals.len(), 1, "the later duplicate is left out");
    assert_eq!(read.goals[0].title, "Cut PM2.5 near schools");
    assert!(has_problem(
        &problems,
        "/goals/1",
        |k| matches!(k, ProblemKind::DuplicateId { id } if id == "g-1")
    ));
    assert!(has_problem(&problems, "/partners/0", |k| *k == ProblemKind::MissingId));
    assert!(has_problem(
        &problems,
        "/goals/0/indicators/0/measurements/0/date",
        |k| matches!(k, ProblemKind::InvalidDate { .. })
    ));
    assert!(has_problem(&problems, "/meetings/0/url", |k| matches!(
        k,
        ProblemKind::InvalidUrl { .. }
    )));
    assert!(has_problem(&problems, "/meetings/0/start", |k| matches!(
        k,
        ProblemKind::InvalidTimestamp { .. }
    )));
    assert_eq!(read.meetings[0].start, "tomorrow", "kept as written");
}

#[test]
fn concurrent_moves_of_one_item_leave_one_copy_after_the_next_save() {
    let (mut a, mut b) = {
        let mut a = charter::create(&sample_charter()).expect("create");
        let b = fork(&mut a, 2);
        (a, b)
    };
    charter::update(&mut a, |c| c.goals.swap(0, 1)).expect("a");
    charter::update(&mut b, |c| c.goals.swap(0, 1)).expect("b");
    sync(&mut a, &mut b);
    let (c, problems) = charter::load(&a).expect("load");
    let ids: Vec<&str> = c.goals.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(
        problems
            .iter()
            .all(|p| matches!(p.kind, ProblemKind::DuplicateId { .. }))
    );
    assert!(!problems.is_empty());
    charter::update(&mut a, |_| {}).expect("save");
    sync(&mut a, &mut b);
    assert_eq!(load_clean_charter(&b).goals.len(), 2);
}

#[test]
fn unknown_enum_values_are_kept_and_written_back() {
    let mut doc = charter::create(&sample_charter()).expect("create");
    let (_, goals) = doc.get(ROOT, "goals").expect("get").expect("goals");
    let (_, goal) = doc.get(&goals, 0).expect("get").expect("goal");
    doc.put(&goal, "status", "onHold").expect("put");
    let (c, problems) = charter::load(&doc).expect("load");
    assert_eq!(c.goals[0].status, GoalStatus::Other("onHold".into()));
    assert!(has_problem(
        &problems,
        "/goals/0/status",
        |k| matches!(k, ProblemKind::UnknownValue { value } if value == "onHold")
    ));
    charter::update(&mut doc, |c| c.goals[0].title = "Edited".into()).expect("update");
    let (status, _) = doc.get(&goal, "status").expect("get").expect("status");
    assert_eq!(
        status,
        Value::Scalar(std::borrow::Cow::Owned(ScalarValue::Str("onHold".into())))
    );
}

#[test]
fn unknown_fields_survive_a_load_and_save() {
    let mut doc = charter::create(&sample_charter()).expect("create");
    // A newer client added fields at several depths.
    doc.put(ROOT, "futureRoot", "keep me").expect("put");
    let (_, goals) = doc.get(ROOT, "goals").expect("get").expect("goals");
    let (_, goal) = doc.get(&goals, 0).expect("get").expect("goal");
    let extra = doc
        .put_object(&goal, "futureMap", ObjType::Map)
        .expect("put");
    doc.put(&extra, "x", 1).expect("put");
    let (_, smart) = doc.get(&goal, "smart").expect("get").expect("smart");
    doc.put(&smart, "futureSmart", true).expect("put");
    let (_, partners) = doc.get(ROOT, "partners").expect("get").expect("partners");
    let (_, partner) = doc.get(&partners, 0).expect("get").expect("partner");
    let (_, reps) = doc
        .get(&partner, "representatives")
        .expect("get")
        .expect("reps");
    let (_, rep) = doc.get(&reps, 0).expect("get").expect("rep");
    doc.put(&rep, "phone", "+62 22 000").expect("put");

    charter::update(&mut doc, |c| {
        c.name = "Renamed".into();
        c.goals[0].title = "Edited".into();
        c.goals[0].smart.specific = "Edited too".into();
        c.partners[0].representatives[0].role = "Chair".into();
        c.goals.push(Goal::new("g-9", "New"));
    })
    .expect("update");

    assert!(doc.get(ROOT, "futureRoot").expect("get").is_some());
    assert!(doc.get(&goal, "futureMap").expect("get").is_some());
    assert!(doc.get(&smart, "futureSmart").expect("get").is_some());
    assert!(doc.get(&rep, "phone").expect("get").is_some());
    let c = load_clean_charter(&doc);
    assert_eq!(c.name, "Renamed");
    assert_eq!(c.partners[0].representatives[0].role, "Chair");
}

#[test]
fn a_plain_string_where_text_belongs_is_read_and_upgraded_on_save() {
    let mut doc = meeting::create(&sample_meeting()).expect("create");
    doc.put(ROOT, "notes", "typed by an old client")
        .expect("put");
    let (m, problems) = meeting::load(&doc).expect("load");
    assert_eq!(m.notes.as_str(), "typed by an old client");
    assert!(has_problem(&problems, "/notes", |k| matches!(
        k,
        ProblemKind::WrongType {
            expected: "text",
            ..
        }
    )));
    meeting::save(&mut doc, &m).expect("save");
    let (value, _) = doc.get(ROOT, "notes").expect("get").expect("notes");
    assert_eq!(value, Value::Object(ObjType::Text));
    assert_eq!(
        load_clean_meeting(&doc).notes.as_str(),
        "typed by an old client"
    );
}

/// A charter as the prototype (schema version 0) wrote it.
fn v0_charter() -> AutoCommit {
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "title", "Udara Bersih").expect("put");
    doc.put(ROOT, "lang", "id").expect("put");
    doc.put(ROOT, "purpose", "Clean air near schools.")
        .expect("put");
    let goals = doc.put_object(ROOT, "goals", ObjType::List).expect("goals");
    let goal = doc.insert_object(&goals, 0, ObjType::Map).expect("goal");
    doc.put(&goal, "id", "g-1").expect("put");
    doc.put(&goal, "title", "Cut PM2.5").expect("put");
    doc.put(&goal, "owner", "p-1").expect("put");
    doc.put(&goal, "status", "agreed").expect("put");
    doc.commit();
    doc
}

#[test]
fn an_old_charter_loads_with_problems_and_migrates_to_the_current_schema() {
    let mut doc = v0_charter();
    let (c, problems) = charter::load(&doc).expect("load v0");
    assert!(has_problem(&problems, "", |k| *k
        == ProblemKind::OutdatedSchema { found: 0 }));
    assert!(has_problem(&problems, "/name", |k| *k == ProblemKind::Missing));
    assert_eq!(c.purpose.as_str(), "Clean air near schools.");

    assert!(matches!(
        charter::save(&mut doc, &c),
        Err(ModelError::NeedsMigration { found: 0 })
    ));

    let report = schema::migrate(&mut doc).expect("migrate");
    assert_eq!(
        (report.doc_type, report.from, report.to),
        (DocType::Charter, 0, 1)
    );
    assert!(report.migrated());
    assert_eq!(schema::version(&doc), Some(1));
    let (c, problems) = charter::load(&doc).expect("load v1");
    // Fields added in v1 are absent, nothing else is wrong.
    assert!(
        problems.iter().all(|p| p.kind == ProblemKind::Missing),
        "{problems:#?}"
    );
    assert_eq!(c.name, "Udara Bersih");
    assert_eq!(c.language, Language::Indonesian);
    assert_eq!(c.purpose.as_str(), "Clean air near schools.");
    assert_eq!(c.goals[0].owner_ids, ["p-1"]);
    assert_eq!(c.goals[0].status, GoalStatus::Agreed);
    assert!(doc.get(ROOT, "title").expect("get").is_none());
    assert_eq!(
        doc.get(ROOT, "purpose").expect("get").expect("purpose").0,
        Value::Object(ObjType::Text)
    );

    let again = schema::migrate(&mut doc).expect("migrate again");
    assert!(
        !again.migrated(),
        "migrating a current document changes nothing"
    );
}

#[test]
fn update_migrates_an_old_charter_first() {
    let mut doc = v0_charter();
    charter::update(&mut doc, |c| c.goals[0].title = "Edited".into()).expect("update");
    let (c, _) = charter::load(&doc).expect("load");
    assert_eq!(c.name, "Udara Bersih");
    assert_eq!(c.goals[0].title, "Edited");
    assert_eq!(c.goals[0].owner_ids, ["p-1"]);
}

#[test]
fn replicas_migrating_concurrently_converge() {
    let mut a = v0_charter();
    let mut b = fork(&mut a, 2);
    schema::migrate(&mut a).expect("a");
    schema::migrate(&mut b).expect("b");
    sync(&mut a, &mut b);
    let (ca, pa) = charter::load(&a).expect("a");
    let (cb, _) = charter::load(&b).expect("b");
    assert_eq!(ca, cb);
    assert!(pa.iter().all(|p| p.kind == ProblemKind::Missing), "{pa:#?}");
    assert_eq!(ca.purpose.as_str(), "Clean air near schools.");
    assert_eq!(ca.goals[0].owner_ids, ["p-1"]);
}

#[test]
fn an_old_meeting_migrates() {
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "title", "Kick-off").expect("put");
    doc.put(ROOT, "date", "2025-03-04T02:30:00Z").expect("put");
    doc.put(ROOT, "notes", "first notes").expect("put");
    assert_eq!(schema::detect(&doc).expect("detect"), DocType::Meeting);
    schema::migrate(&mut doc).expect("migrate");
    let (m, problems) = meeting::load(&doc).expect("load");
    assert!(
        problems.iter().all(|p| p.kind == ProblemKind::Missing),
        "{problems:#?}"
    );
    assert_eq!(m.start, "2025-03-04T02:30:00Z");
    assert_eq!(m.time_zone, "UTC");
    assert_eq!(m.notes.as_str(), "first notes");
}

#[test]
fn a_newer_document_is_read_and_saved_but_not_migrated() {
    let mut doc = charter::create(&sample_charter()).expect("create");
    doc.put(ROOT, "schemaVersion", 2).expect("put");
    doc.put(ROOT, "somethingNew", "v2 data").expect("put");
    let (c, problems) = charter::load(&doc).expect("load");
    assert_eq!(c, sample_charter());
    assert_eq!(
        problems,
        [Problem::new("", ProblemKind::NewerSchema { found: 2 })]
    );
    assert!(matches!(
        schema::migrate(&mut doc),
        Err(ModelError::NewerSchema {
            found: 2,
            supported: 1
        })
    ));
    charter::update(&mut doc, |c| c.name = "Edited".into()).expect("update");
    assert_eq!(
        schema::version(&doc),
        Some(2),
        "the version is never lowered"
    );
    assert!(doc.get(ROOT, "somethingNew").expect("get").is_some());
}

#[test]
fn empty_and_foreign_documents_are_errors() {
    let mut empty = AutoCommit::new();
    assert!(matches!(charter::load(&empty), Err(ModelError::Empty)));
    assert!(matches!(
        schema::migrate(&mut empty),
        Err(ModelError::Empty)
    ));
    let mut m = meeting::create(&sample_meeting()).expect("create");
    assert!(matches!(
        charter::load(&m),
        Err(ModelError::WrongDocumentType {
            expected: DocType::Charter,
            ..
        })
    ));
    assert!(matches!(
        charter::save(&mut m, &sample_charter()),
        Err(ModelError::WrongDocumentType { .. })
    ));
    let mut odd = AutoCommit::new();
    odd.put(ROOT, "whatever", 1).expect("put");
    assert!(matches!(
        schema::migrate(&mut odd),
        Err(ModelError::UnknownDocumentType)
    ));
    // Without a docType the loader still tries, and says what it misses.
    let (_, problems) = meeting::load(&odd).expect("load");
    assert!(has_problem(&problems, "", |k| *k
        == ProblemKind::OutdatedSchema { found: 0 }));
}

#[test]
fn update_initialises_an_empty_document() {
    let mut doc = AutoCommit::new();
    meeting::update(&mut doc, |m| m.title = "First".into()).expect("update");
    let m = load_clean_meeting(&doc);
    assert_eq!(m.title, "First");
    assert_eq!(schema::doc_type(&doc).as_deref(), Some("meeting"));
}
