//! Property tests: random edits on three replicas with random merges always
//! read back and converge; random documents never make reading panic.

mod common;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ROOT};
use common::*;
use mitra_model::*;
use proptest::prelude::*;

const WORDS: &[&str] = &["air", "udara", "sekolah", "data", "", "trees", "µg", "ü"];
const ASCII: &[&str] = &["a", "bc", " ", "xyz\n", "Q"];

#[derive(Debug, Clone)]
enum Edit {
    SetName(usize),
    TypePurpose {
        pos: usize,
        word: usize,
    },
    AddGoal(usize),
    RemoveGoal(usize),
    MoveGoal {
        from: usize,
        to: usize,
    },
    SetGoalTitle {
        goal: usize,
        word: usize,
    },
    SetGoalStatus {
        goal: usize,
        status: usize,
    },
    TypeDescription {
        goal: usize,
        pos: usize,
        word: usize,
    },
    DeleteDescription {
        goal: usize,
        pos: usize,
        len: usize,
    },
    ToggleOwner {
        goal: usize,
        partner: usize,
    },
    AddMeasurement {
        goal: usize,
        value: i32,
    },
    ToggleType(usize),
    AddPartner(usize),
    RemovePartner(usize),
}

#[derive(Debug, Clone)]
enum Step {
    Edit(usize, Edit),
    Merge { from: usize, to: usize },
}

fn edit() -> impl Strategy<Value = Edit> {
    let n = 0usize..8;
    prop_oneof![
        n.clone().prop_map(Edit::SetName),
        (0usize..64, 0usize..ASCII.len()).prop_map(|(pos, word)| Edit::TypePurpose { pos, word }),
        n.clone().prop_map(Edit::AddGoal),
        n.clone().prop_map(Edit::RemoveGoal),
        (n.clone(), n.clone()).prop_map(|(from, to)| Edit::MoveGoal { from, to }),
        (n.clone(), 0usize..WORDS.len()).prop_map(|(goal, word)| Edit::SetGoalTitle { goal, word }),
        (n.clone(), 0usize..5).prop_map(|(goal, status)| Edit::SetGoalStatus { goal, status }),
        (n.clone(), 0usize..64, 0usize..ASCII.len())
            .prop_map(|(goal, pos, word)| Edit::TypeDescription { goal, pos, word }),
        (n.clone(), 0usize..64, 0usize..4).prop_map(|(goal, pos, len)| Edit::DeleteDescription {
            goal,
            pos,
            len
        }),
        (n.clone(), n.clone()).prop_map(|(goal, partner)| Edit::ToggleOwner { goal, partner }),
        (n.clone(), -1000i32..1000).prop_map(|(goal, value)| Edit::AddMeasurement { goal, value }),
        (0usize..8).prop_map(Edit::ToggleType),
        n.clone().prop_map(Edit::AddPartner),
        n.prop_map(Edit::RemovePartner),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0usize..3, edit()).prop_map(|(r, e)| Step::Edit(r, e)),
        1 => (0usize..3, 0usize..3).prop_map(|(from, to)| Step::Merge { from, to }),
    ]
}

fn apply(c: &mut Charter, edit: &Edit, ids: &mut SequentialIds) {
    let goals = c.goals.len();
    match *edit {
        Edit::SetName(w) => c.name = WORDS[w % WORDS.len()].into(),
        Edit::TypePurpose { pos, word } => {
            let pos = pos % (c.purpose.as_str().len() + 1);
            c.purpose.splice(pos, 0, ASCII[word]);
        }
        Edit::AddGoal(w) => c
            .goals
            .push(Goal::new(ids.next_id(), WORDS[w % WORDS.len()])),
        Edit::RemoveGoal(g) if goals > 0 => {
            c.goals.remove(g % goals);
        }
        Edit::MoveGoal { from, to } if goals > 0 => {
            let g = c.goals.remove(from % goals);
            c.goals.insert(to % goals, g);
        }
        Edit::SetGoalTitle { goal, word } if goals > 0 => {
            c.goals[goal % goals].title = WORDS[word].into();
        }
        Edit::SetGoalStatus { goal, status } if goals > 0 => {
            c.goals[goal % goals].status = GoalStatus::KNOWN[status].clone();
        }
        Edit::TypeDescription { goal, pos, word } if goals > 0 => {
            let text = &mut c.goals[goal % goals].description;
            let pos = pos % (text.as_str().len() + 1);
            text.splice(pos, 0, ASCII[word]);
        }
        Edit::DeleteDescription { goal, pos, len } if goals > 0 => {
            let text = &mut c.goals[goal % goals].description;
            let total = text.as_str().len();
            let pos = pos % (total + 1);
            let len = len.min(total - pos);
            text.splice(pos, isize::try_from(len).expect("small"), "");
        }
        Edit::ToggleOwner { goal, partner } if goals > 0 && !c.partners.is_empty() => {
            let pid = c.partners[partner % c.partners.len()].id.clone();
            let owners = &mut c.goals[goal % goals].owner_ids;
            if owners.contains(&pid) {
                owners.retain(|o| *o != pid);
            } else {
                owners.push(pid);
            }
        }
        Edit::AddMeasurement { goal, value } if goals > 0 => {
            let goal = &mut c.goals[goal % goals];
            if goal.indicators.is_empty() {
                goal.indicators
                    .push(Indicator::new(ids.next_id(), "count", "people"));
            }
            goal.indicators[0].measurements.push(Measurement {
                id: ids.next_id(),
                date: "2025-01-01".into(),
                value: f64::from(value) / 4.0,
                source: "test".into(),
                note: String::new(),
            });
        }
        Edit::ToggleType(t) => {
            let ty = PartnershipType::KNOWN[t % PartnershipType::KNOWN.len()].clone();
            if c.types.contains(&ty) {
                c.types.retain(|x| *x != ty);
            } else {
                c.types.push(ty);
            }
        }
        Edit::AddPartner(w) => c.partners.push(Partner::new(
            ids.next_id(),
            WORDS[w % WORDS.len()],
            Sector::Community,
        )),
        Edit::RemovePartner(p) if !c.partners.is_empty() => {
            let n = c.partners.len();
            c.partners.remove(p % n);
        }
        _ => {}
    }
}

/// Problems a merge of valid edits may legitimately leave: copies of an
/// item that two replicas moved concurrently.
fn only_merge_artifacts(problems: &[Problem]) -> bool {
    problems
        .iter()
        .all(|p| matches!(p.kind, ProblemKind::DuplicateId { .. }))
}

fn merge_into(replicas: &mut [AutoCommit], from: usize, to: usize) {
    if from == to {
        return;
    }
    // Commit first: a clone would otherwise carry the open transaction and
    // commit it a second time under the same actor and sequence number.
    replicas[from].commit();
    let mut source = replicas[from].clone();
    replicas[to].merge(&mut source).expect("merge");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge_and_every_read_succeeds(steps in prop::collection::vec(step(), 1..40)) {
        let mut first = charter::create(&sample_charter()).expect("create");
        let mut replicas = vec![fork(&mut first, 1), fork(&mut first, 2), fork(&mut first, 3)];
        let mut ids = [SequentialIds::new("r0"), SequentialIds::new("r1"), SequentialIds::new("r2")];
        for step in &steps {
            match step {
                Step::Edit(r, e) => {
                    let problems = charter::update(&mut replicas[*r], |c| apply(c, e, &mut ids[*r]))
                        .expect("update");
                    prop_assert!(only_merge_artifacts(&problems), "{problems:?}");
                    let (_, problems) = charter::load(&replicas[*r]).expect("load");
                    prop_assert!(only_merge_artifacts(&problems), "{problems:?}");
                }
                Step::Merge { from, to } => {
                    merge_into(&mut replicas, *from, *to);
                    let (_, problems) = charter::load(&replicas[*to]).expect("load");
                    prop_assert!(only_merge_artifacts(&problems), "{problems:?}");
                }
            }
        }
        for (from, to) in [(1, 0), (2, 0), (0, 1), (0, 2)] {
            merge_into(&mut replicas, from, to);
        }
        let (c0, p0) = charter::load(&replicas[0]).expect("load");
        for r in &replicas[1..] {
            let (c, _) = charter::load(r).expect("load");
            prop_assert_eq!(&c, &c0);
        }
        prop_assert!(only_merge_artifacts(&p0), "{p0:?}");
        // Set semantics hold after any merge.
        for g in &c0.goals {
            let mut owners = g.owner_ids.clone();
            owners.sort();
            owners.dedup();
            prop_assert_eq!(owners.len(), g.owner_ids.len());
        }
        // A final save on a merged replica tidies up and reads clean.
        charter::update(&mut replicas[0], |_| {}).expect("save");
        let (_, problems) = charter::load(&replicas[0]).expect("load");
        prop_assert!(problems.is_empty(), "{problems:?}");
    }
}

/// A random value to write into a document.
#[derive(Debug, Clone)]
enum Raw {
    Str(usize),
    Int(i64),
    F64(f64),
    Bool(bool),
    Null,
    Text(usize),
    List(Vec<Raw>),
    Map(Vec<(usize, Raw)>),
}

/// Keys the model uses, and some it does not.
const KEYS: &[&str] = &[
    "id",
    "name",
    "title",
    "goals",
    "partners",
    "indicators",
    "measurements",
    "value",
    "status",
    "ownerIds",
    "smart",
    "timeBound",
    "purpose",
    "notes",
    "actions",
    "due",
    "types",
    "language",
    "docType",
    "schemaVersion",
    "representatives",
    "email",
    "baseline",
    "start",
    "meetings",
    "url",
    "owner",
    "lang",
    "date",
    "unknownKey",
];
const STRINGS: &[&str] = &[
    "",
    "charter",
    "meeting",
    "g-1",
    "agreed",
    "2025-01-01",
    "id",
    "automerge:abc",
    "👍🏽",
    "x",
];

fn raw() -> impl Strategy<Value = Raw> {
    let leaf = prop_oneof![
        (0usize..STRINGS.len()).prop_map(Raw::Str),
        (-3i64..3).prop_map(Raw::Int),
        (-2.0f64..2.0).prop_map(Raw::F64),
        any::<bool>().prop_map(Raw::Bool),
        Just(Raw::Null),
        (0usize..STRINGS.len()).prop_map(Raw::Text),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Raw::List),
            prop::collection::vec((0usize..KEYS.len(), inner), 0..6).prop_map(Raw::Map),
        ]
    })
}

fn write_into(doc: &mut AutoCommit, obj: &ObjId, key: Result<&str, usize>, raw: &Raw) {
    macro_rules! put {
        ($v:expr) => {
            match key {
                Ok(k) => doc.put(obj, k, $v).map(|_| ()),
                Err(i) => doc.insert(obj, i, $v).map(|_| ()),
            }
            .expect("write")
        };
    }
    macro_rules! put_object {
        ($t:expr) => {
            match key {
                Ok(k) => doc.put_object(obj, k, $t),
                Err(i) => doc.insert_object(obj, i, $t),
            }
            .expect("write")
        };
    }
    match raw {
        Raw::Str(i) => put!(STRINGS[*i]),
        Raw::Int(i) => put!(*i),
        Raw::F64(f) => put!(*f),
        Raw::Bool(b) => put!(*b),
        Raw::Null => put!(automerge::ScalarValue::Null),
        Raw::Text(i) => {
            let t = put_object!(ObjType::Text);
            doc.splice_text(&t, 0, 0, STRINGS[*i]).expect("text");
        }
        Raw::List(items) => {
            let l = put_object!(ObjType::List);
            for (i, item) in items.iter().enumerate() {
                write_into(doc, &l, Err(i), item);
            }
        }
        Raw::Map(entries) => {
            let m = put_object!(ObjType::Map);
            for (k, v) in entries {
                write_into(doc, &m, Ok(KEYS[*k]), v);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_documents_never_make_reading_or_writing_panic(
        entries in prop::collection::vec((0usize..KEYS.len(), raw()), 0..10)
    ) {
        let mut doc = AutoCommit::new();
        for (k, v) in &entries {
            write_into(&mut doc, &ROOT, Ok(KEYS[*k]), v);
        }
        // Any outcome is fine as long as it is a value or a typed error.
        if let Ok((c, _)) = charter::load(&doc) {
            let mut copy = doc.clone();
            let _ = charter::save(&mut copy, &c);
        }
        if let Ok((m, _)) = meeting::load(&doc) {
            let mut copy = doc.clone();
            let _ = meeting::save(&mut copy, &m);
        }
        let mut migrated = doc.clone();
        if schema::migrate(&mut migrated).is_ok() {
            let _ = charter::update(&mut migrated.clone(), |c| c.name.push('!'));
            let _ = meeting::update(&mut migrated, |m| m.title.push('!'));
        }
        let _ = charter::update(&mut doc.clone(), |c| c.goals.push(Goal::new("g-new", "x")));
    }
}
