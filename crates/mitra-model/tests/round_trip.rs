//! A model saved into a document reads back equal.

mod common;

use automerge::{Automerge, ROOT, ReadDoc};
use common::*;
use mitra_model::*;

#[test]
fn charter_round_trips_through_a_document() {
    let original = sample_charter();
    let doc = charter::create(&original).expect("create");
    assert_eq!(load_clean_charter(&doc), original);
}

#[test]
fn meeting_round_trips_through_a_document() {
    let original = sample_meeting();
    let doc = meeting::create(&original).expect("create");
    assert_eq!(load_clean_meeting(&doc), original);
}

#[test]
fn charter_round_trips_through_saved_bytes() {
    let original = sample_charter();
    let mut doc = charter::create(&original).expect("create");
    let loaded = Automerge::load(&doc.save()).expect("load bytes");
    let (read, problems) = charter::load(&loaded).expect("load charter");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(read, original);
}

#[test]
fn new_documents_carry_type_and_schema_version() {
    let doc = charter::create(&sample_charter()).expect("create");
    assert_eq!(schema::doc_type(&doc).as_deref(), Some("charter"));
    assert_eq!(schema::version(&doc), Some(CURRENT_SCHEMA_VERSION));
    let doc = meeting::create(&sample_meeting()).expect("create");
    assert_eq!(schema::doc_type(&doc).as_deref(), Some("meeting"));
}

#[test]
fn keys_in_the_document_are_camel_case() {
    let doc = charter::create(&sample_charter()).expect("create");
    let (_, goals) = doc.get(ROOT, "goals").expect("get").expect("goals");
    let (_, goal) = doc.get(&goals, 0).expect("get").expect("goal");
    assert!(doc.get(&goal, "ownerIds").expect("get").is_some());
    let (_, smart) = doc.get(&goal, "smart").expect("get").expect("smart");
    assert!(doc.get(&smart, "timeBound").expect("get").is_some());
    assert!(doc.get(&goal, "owner_ids").expect("get").is_none());
    let doc = meeting::create(&sample_meeting()).expect("create");
    assert!(doc.get(ROOT, "timeZone").expect("get").is_some());
}

#[test]
fn saving_an_unchanged_model_writes_nothing() {
    let mut doc = charter::create(&sample_charter()).expect("create");
    doc.commit();
    let heads = doc.get_heads();
    let (c, _) = charter::load(&doc).expect("load");
    charter::save(&mut doc, &c).expect("save");
    assert_eq!(doc.commit(), None, "an unchanged save made a change");
    assert_eq!(doc.get_heads(), heads);
}

#[test]
fn an_edit_writes_only_what_changed() {
    let mut doc = charter::create(&sample_charter()).expect("create");
    doc.commit();
    charter::update(&mut doc, |c| {
        c.goals[0].status = GoalStatus::InProgress;
    })
    .expect("update");
    let hash = doc.commit().expect("a change");
    let change = doc.get_change_by_hash(&hash).expect("change");
    assert_eq!(change.len(), 1, "one op for one changed field");
    assert_eq!(
        load_clean_charter(&doc).goals[0].status,
        GoalStatus::InProgress
    );
}

#[test]
fn text_edits_splice_instead_of_replacing() {
    let mut doc = meeting::create(&sample_meeting()).expect("create");
    doc.commit();
    meeting::update(&mut doc, |m| m.notes.update("Notes:\n- sensors ordered\n")).expect("update");
    let hash = doc.commit().expect("a change");
    let change = doc.get_change_by_hash(&hash).expect("change");
    assert_eq!(change.len(), "- sensors ordered\n".chars().count());
    assert_eq!(
        load_clean_meeting(&doc).notes.as_str(),
        "Notes:\n- sensors ordered\n"
    );
}

#[test]
fn models_round_trip_through_json() {
    let original = sample_charter();
    let json = serde_json::to_string(&original).expect("to json");
    assert!(json.contains("\"ownerIds\":[\"p-1\",\"p-3\"]"), "{json}");
    assert!(json.contains("\"status\":\"agreed\""), "{json}");
    let back: Charter = serde_json::from_str(&json).expect("from json");
    assert_eq!(back, original);
    let m = sample_meeting();
    let back: Meeting =
        serde_json::from_str(&serde_json::to_string(&m).expect("to json")).expect("from json");
    assert_eq!(back, m);
}

#[test]
fn indicators_report_progress_from_baseline_to_target() {
    let c = sample_charter();
    let ind = &c.goals[0].indicators[0];
    assert_eq!(ind.latest().map(|m| m.value), Some(37.25));
    let p = ind.progress().expect("progress");
    assert!((p - (41.5 - 37.25) / (41.5 - 25.0)).abs() < 1e-9);
}
