//! JSON exports read back into the same model.

#![allow(clippy::unwrap_used)]

use mitra_demo::{DemoIds, build};
use mitra_export::{charter_from_json, charter_json, meeting_from_json, meeting_json};
use mitra_model::{Charter, Goal, Language, Problem, ProblemKind, charter, meeting};

#[test]
fn demo_documents_round_trip_through_json() {
    for language in [Language::English, Language::Indonesian] {
        let demo = build(&language, &DemoIds::from_seed(2)).unwrap();
        let (c, problems) = charter::load(&demo.charter).unwrap();
        let json = charter_json(&c, &problems).unwrap();
        assert_eq!(charter_from_json(&json).unwrap(), c);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["docType"], "charter");
        assert_eq!(value["schemaVersion"], 1);
        assert_eq!(value["problems"], serde_json::json!([]));
        assert_eq!(value["document"]["goals"][0]["ownerIds"][0], "p-dlh");
        for (_, doc) in &demo.meetings {
            let (m, problems) = meeting::load(doc).unwrap();
            let json = meeting_json(&m, &problems).unwrap();
            assert_eq!(meeting_from_json(&json).unwrap(), m);
            assert!(
                charter_from_json(&json).is_err(),
                "a meeting is not a charter"
            );
        }
    }
}

#[test]
fn problems_and_awkward_values_are_exported() {
    let mut c = Charter::new("A \"quoted\" | name\nwith a newline", Language::English);
    let mut goal = Goal::new("g-1", "Ünïcödé ✓");
    goal.indicators
        .push(mitra_model::Indicator::new("i-1", "x", "%"));
    goal.indicators[0].baseline = Some(0.1 + 0.2);
    goal.indicators[0].target = Some(1e-7);
    c.goals.push(goal);
    let problems = vec![Problem::new(
        "/goals/0/status",
        ProblemKind::UnknownValue {
            value: "paused".into(),
        },
    )];
    let json = charter_json(&c, &problems).unwrap();
    assert_eq!(charter_from_json(&json).unwrap(), c);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["problems"][0]["path"], "/goals/0/status");
    assert_eq!(value["problems"][0]["kind"]["kind"], "unknownValue");
}
