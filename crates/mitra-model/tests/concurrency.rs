//! Concurrent edits on forked replicas merge as the people making them
//! expect.

mod common;

use common::*;
use mitra_model::*;

fn two_replicas() -> (automerge::AutoCommit, automerge::AutoCommit) {
    let mut a = charter::create(&sample_charter()).expect("create");
    let b = fork(&mut a, 2);
    (a, b)
}

fn assert_converged(a: &automerge::AutoCommit, b: &automerge::AutoCommit) -> Charter {
    let ca = load_clean_charter(a);
    assert_eq!(ca, load_clean_charter(b), "replicas differ after merging");
    ca
}

#[test]
fn different_fields_of_the_same_goal_both_survive() {
    let (mut a, mut b) = two_replicas();
    charter::update(&mut a, |c| {
        c.goals[0].title = "Cut PM2.5 at ten schools".into()
    })
    .expect("a");
    charter::update(&mut b, |c| c.goals[0].status = GoalStatus::InProgress).expect("b");
    sync(&mut a, &mut b);
    let c = assert_converged(&a, &b);
    assert_eq!(c.goals[0].title, "Cut PM2.5 at ten schools");
    assert_eq!(c.goals[0].status, GoalStatus::InProgress);
}

#[test]
fn the_same_field_of_the_same_goal_gets_one_winner_everywhere() {
    let (mut a, mut b) = two_replicas();
    charter::update(&mut a, |c| c.goals[0].title = "A's title".into()).expect("a");
    charter::update(&mut b, |c| c.goals[0].title = "B's title".into()).expect("b");
    sync(&mut a, &mut b);
    let c = assert_converged(&a, &b);
    assert!(["A's title", "B's title"].contains(&c.goals[0].title.as_str()));
}

#[test]
fn items_added_to_the_same_list_are_all_kept() {
    let (mut a, mut b) = two_replicas();
    charter::update(&mut a, |c| c.goals.push(Goal::new("g-a", "From A"))).expect("a");
    charter::update(&mut b, |c| {
        c.goals.push(Goal::new("g-b", "From B"));
        c.goals[0].indicators[0].measurements.push(Measurement {
            id: "m-b".into(),
            date: "2025-09-30".into(),
            value: 33.0,
            source: "Sensor network".into(),
            note: String::new(),
        });
    })
    .expect("b");
    charter::update(&mut a, |c| {
        c.goals[0].indicators[0].measurements.push(Measurement {
            id: "m-a".into(),
            date: "2025-08-31".into(),
            value: 35.0,
            source: "Sensor network".into(),
            note: String::new(),
        });
    })
    .expect("a");
    sync(&mut a, &mut b);
    let c = assert_converged(&a, &b);
    let ids: Vec<&str> = c.goals.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids.len(), 4);
    assert!(ids.contains(&"g-a") && ids.contains(&"g-b"));
    let measured: Vec<&str> = c.goals[0].indicators[0]
        .measurements
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    assert!(measured.contains(&"m-a") && measured.contains(&"m-b") && measured.contains(&"m-1"));
}

#[test]
fn editing_one_item_while_another_is_removed_keeps_the_edit() {
    let (mut a, mut b) = two_replicas();
    charter::update(&mut a, |c| c.goals.retain(|g| g.id != "g-1")).expect("a");
    charter::update(&mut b, |c| {
        c.goal_mut("g-2").expect("g-2").status = GoalStatus::Achieved;
    })
    .expect("b");
    sync(&mut a, &mut b);
    let c = assert_converged(&a, &b);
    assert_eq!(c.goals.len(), 1);
    assert_eq!(c.goals[0].id, "g-2");
    assert_eq!(c.goals[0].status, GoalStatus::Achieved);
}

#[test]
fn a_removed_item_stays_removed_when_someone_edited_it() {
    let (mut a, mut b) = two_replicas();
    charter::update(&mut a, |c| c.goals.retain(|g| g.id != "g-2")).expect("a");
    charter::update(&mut b, |c| {
        c.goal_mut("g-2").expect("g-2").title = "Renamed".into()
    })
    .expect("b");
    sync(&mut a, &mut b);
    let c = assert_converged(&a, &b);
    assert!(c.goal("g-2").is_none());
}

#[test]
fn reordering_keeps_concurrent_edits_of_the_items_that_stay() {
    let mut a = charter::create(&sample_charter()).expect("create");
    charter::update(&mut a, |c| {
        c.goals.push(Goal::new("g-3", "Car-free school streets"))
    })
    .expect("add g-3");
    let mut b = fork(&mut a, 2);
    // A moves g-3 to the front; B edits g-1's text and g-2's status.
    charter::update(&mut a, |c| {
        let g3 = c.goals.pop().expect("g-3");
        c.goals.insert(0, g3);
    })
    .expect("a");
    charter::update(&mut b, |c| {
        c.goal_mut("g-1")
            .expect("g-1")
            .description
            .update("Lower the yearly mean PM2.5 at twelve schools.");
        c.goal_mut("g-2").expect("g-2").status = GoalStatus::InProgress;
    })
    .expect("b");
    sync(&mut a, &mut b);
    let c = assert_converged(&a, &b);
    let order: Vec<&str> = c.goals.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(order, ["g-3", "g-1", "g-2"]);
    assert_eq!(
        c.goal("g-1").expect("g-1").description.as_str(),
        "Lower the yearly mean PM2.5 at twelve schools."
    );
    assert_eq!(c.goal("g-2").expect("g-2").status, GoalStatus::InProgress);
}

#[test]
fn moving_an_item_that_someone_edits_converges_without_panicking() {
    // automerge has no move: a moved item is deleted and inserted anew, so
    // a concurrent edit of the moved item itself is lost. Both replicas
    // agree, and saving the moved item (whose text was loaded from the
    // document) works.
    let (mut a, mut b) = two_replicas();
    charter::update(&mut a, |c| c.goals.swap(0, 1)).expect("a");
    charter::update(&mut b, |c| {
        c.goal_mut("g-1")
            .expect("g-1")
            .description
            .update("Edited while moved.");
    })
    .expect("b");
    sync(&mut a, &mut b);
    let c = assert_converged(&a, &b);
    assert_eq!(c.goals.len(), 2);
    let description = c.goal("g-1").expect("g-1").description.as_str().to_owned();
    assert!(
        [
            "Lower the yearly mean PM2.5 at ten schools.",
            "Edited while moved."
        ]
        .contains(&description.as_str()),
        "{description:?}"
    );
}

#[test]
fn owner_sets_merge_additions_and_removals() {
    let (mut a, mut b) = two_replicas();
    // owners start as [p-1, p-3]
    charter::update(&mut a, |c| c.goals[0].owner_ids.push("p-2".into())).expect("a");
    charter::update(&mut b, |c| c.goals[0].owner_ids.retain(|o| o != "p-1")).expect("b");
    sync(&mut a, &mut b);
    let c = assert_converged(&a, &b);
    let mut owners = c.goals[0].owner_ids.clone();
    owners.sort();
    assert_eq!(owners, ["p-2", "p-3"]);
}

#[test]
fn the_same_owner_added_twice_appears_once() {
    let (mut a, mut b) = two_replicas();
    charter::update(&mut a, |c| c.goals[0].owner_ids.push("p-2".into())).expect("a");
    charter::update(&mut b, |c| c.goals[0].owner_ids.push("p-2".into())).expect("b");
    sync(&mut a, &mut b);
    let c = assert_converged(&a, &b);
    assert_eq!(c.goals[0].owner_ids, ["p-1", "p-3", "p-2"]);
    // Saving the deduplicated set cleans the document up.
    charter::update(&mut a, |_| {}).expect("save");
    sync(&mut a, &mut b);
    assert_eq!(load_clean_charter(&b).goals[0].owner_ids.len(), 3);
}

#[test]
fn concurrent_typing_in_meeting_notes_interleaves() {
    let mut a = meeting::create(&sample_meeting()).expect("create");
    let mut b = fork(&mut a, 2);
    let mut c = fork(&mut a, 3);
    // "Notes:\n": A types at the start, B at the end, C in the middle.
    meeting::update(&mut a, |m| m.notes.splice(0, 0, "Kick-off ")).expect("a");
    meeting::update(&mut b, |m| m.notes.splice(7, 0, "- budget agreed\n")).expect("b");
    meeting::update(&mut c, |m| m.notes.splice(5, 1, " (draft):")).expect("c");
    sync(&mut a, &mut b);
    sync(&mut a, &mut c);
    sync(&mut a, &mut b);
    let notes = load_clean_meeting(&a).notes;
    assert_eq!(notes.as_str(), "Kick-off Notes (draft):\n- budget agreed\n");
    assert_eq!(load_clean_meeting(&b), load_clean_meeting(&a));
    assert_eq!(load_clean_meeting(&c), load_clean_meeting(&a));
}

#[test]
fn action_items_edited_on_both_sides_keep_both_changes() {
    let mut a = meeting::create(&sample_meeting()).expect("create");
    let mut b = fork(&mut a, 2);
    meeting::update(&mut a, |m| {
        m.action_mut("ac-1").expect("ac-1").status = ActionStatus::Done
    })
    .expect("a");
    meeting::update(&mut b, |m| {
        m.action_mut("ac-1").expect("ac-1").due = Some("2025-04-15".into());
        m.actions.push(ActionItem::new("ac-2", "Tell the schools"));
    })
    .expect("b");
    sync(&mut a, &mut b);
    let m = load_clean_meeting(&a);
    assert_eq!(m, load_clean_meeting(&b));
    assert_eq!(m.actions[0].status, ActionStatus::Done);
    assert_eq!(m.actions[0].due.as_deref(), Some("2025-04-15"));
    assert_eq!(m.actions.len(), 2);
}

#[test]
fn saving_after_a_merge_without_reloading_is_refused() {
    let (mut a, mut b) = two_replicas();
    let (mut stale, _) = charter::load(&a).expect("load");
    charter::update(&mut b, |c| c.purpose.update("New purpose")).expect("b");
    a.merge(&mut b).expect("merge");
    stale.purpose.splice(0, 0, "x");
    assert!(matches!(
        charter::save(&mut a, &stale),
        Err(ModelError::Stale)
    ));
}
