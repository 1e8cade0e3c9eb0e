//! The schema parser on arbitrary text and on generated schemas that are often subtly wrong
//! (undeclared kinds, duplicates, clashing inverses, bad names): no panic, a refusal lists at
//! least one problem, and an accepted schema survives its canonical YAML form unchanged.

use answergraph::domain::Schema;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_yaml::{Mapping, Value};

use super::text::{messy_text, word};

const CASES: u32 = 10_000;

fn check(text: &str) -> Result<(), TestCaseError> {
    match Schema::parse_yaml(text, "schema.yaml") {
        Ok(schema) => {
            let canonical = schema.to_yaml();
            let again = Schema::parse_yaml(&canonical, "canonical").map_err(|errors| {
                TestCaseError::fail(format!("canonical form refused: {errors:?}\n{canonical}"))
            })?;
            prop_assert_eq!(&again, &schema);
            prop_assert_eq!(again.to_yaml(), canonical);
        }
        Err(errors) => {
            prop_assert!(!errors.is_empty());
            for error in &errors {
                prop_assert_eq!(&error.file, "schema.yaml");
                prop_assert!(!error.message.is_empty());
            }
        }
    }
    Ok(())
}

/// Names drawn from a small pool, so duplicates and references to undeclared kinds are common;
/// sometimes not valid names at all.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(vec!["product", "faq", "policy", "about", "covered_by", "x"])
            .prop_map(str::to_owned),
        2 => word(),
        1 => prop::sample::select(vec!["Product", "9lives", "has space", "", "über", "a-b"])
            .prop_map(str::to_owned),
        1 => messy_text(10),
    ]
}

fn phrases() -> impl Strategy<Value = Value> {
    proptest::collection::btree_map(
        prop::sample::select(vec!["en", "zh", "fr"]),
        proptest::collection::vec(messy_text(16), 0..4),
        0..3,
    )
    .prop_map(|map| {
        Value::Mapping(
            map.into_iter()
                .map(|(lang, list)| {
                    (
                        Value::from(lang),
                        Value::Sequence(list.into_iter().map(Value::from).collect()),
                    )
                })
                .collect(),
        )
    })
}

fn kind_entry() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => name().prop_map(Value::from),
        2 => (name(), phrases()).prop_map(|(name, phrases)| {
            let mut map = Mapping::new();
            map.insert("name".into(), name.into());
            map.insert("phrases".into(), phrases);
            Value::Mapping(map)
        }),
        1 => Just(Value::Null),
        1 => any::<i64>().prop_map(Value::from),
    ]
}

fn relation() -> impl Strategy<Value = Value> {
    (
        name(),
        proptest::collection::vec(name(), 0..3),
        proptest::collection::vec(name(), 0..3),
        proptest::option::of(name()),
        phrases(),
        proptest::option::of(messy_text(6)),
    )
        .prop_map(|(name, from, to, inverse, phrases, extra)| {
            let mut map = Mapping::new();
            map.insert("name".into(), name.into());
            map.insert("from".into(), from.into());
            map.insert("to".into(), to.into());
            if let Some(inverse) = inverse {
                map.insert("inverse".into(), inverse.into());
            }
            map.insert("phrases".into(), phrases);
            if let Some(key) = extra {
                map.insert(key.into(), Value::from(1));
            }
            Value::Mapping(map)
        })
}

fn schema_yaml() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(kind_entry(), 0..5),
        proptest::collection::vec(relation(), 0..4),
        proptest::collection::btree_map(word(), phrases(), 0..3),
    )
        .prop_map(|(kinds, relations, attributes)| {
            let mut map = Mapping::new();
            map.insert("kinds".into(), Value::Sequence(kinds));
            map.insert("relations".into(), Value::Sequence(relations));
            map.insert(
                "attributes".into(),
                Value::Mapping(
                    attributes
                        .into_iter()
                        .map(|(k, v)| (Value::from(k), v))
                        .collect(),
                ),
            );
            serde_yaml::to_string(&Value::Mapping(map)).unwrap()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn schema_parser_survives_arbitrary_text(text in messy_text(200)) {
        check(&text)?;
        check(&format!("kinds: [faq]\n{text}"))?;
    }

    #[test]
    fn generated_schemas_are_accepted_and_round_trip_or_are_refused(yaml in schema_yaml()) {
        check(&yaml)?;
    }
}
