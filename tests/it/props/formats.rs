//! The KB file parsers (`nodes.jsonl`, `edges.jsonl`, delta files, FAQ spreadsheets) on arbitrary
//! and almost-right input: no panic, every line accounted for (an item or errors naming that
//! line), and whatever is accepted reads back the same from its export form.

use answergraph::domain::formats::{
    parse_delta_jsonl, parse_edges_jsonl, parse_faq_csv, parse_nodes_jsonl, Parsed,
};
use answergraph::domain::{Edge, Node};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Map, Value};

use super::text::{messy_text, word};

const CASES: u32 = 10_000;

/// The lines the JSONL parsers read (blank lines are skipped).
fn content_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start_matches('\u{feff}').trim().is_empty())
        .map(|(i, _)| i + 1)
        .collect()
}

/// Every non-blank line gives exactly one item or at least one error, and every error names a
/// line that exists.
fn check_accounting<T>(text: &str, parsed: &Parsed<T>) -> Result<(), TestCaseError> {
    let lines = content_lines(text);
    let mut seen = std::collections::BTreeSet::new();
    for item in &parsed.items {
        prop_assert!(
            lines.contains(&item.at.line),
            "item on line {}",
            item.at.line
        );
        prop_assert!(
            seen.insert(item.at.line),
            "two items on line {}",
            item.at.line
        );
    }
    for error in &parsed.errors {
        let line = error.line;
        prop_assert!(
            line.is_some_and(|l| lines.contains(&l)),
            "error without a valid line: {error}"
        );
        prop_assert!(!error.message.is_empty());
        seen.insert(line.unwrap());
    }
    prop_assert_eq!(
        seen.len(),
        lines.len(),
        "a line was neither parsed nor refused"
    );
    Ok(())
}

/// An accepted node reads back the same from its export form, and that form is stable.
fn check_node_round_trip(node: &Node) -> Result<(), TestCaseError> {
    let line = serde_json::to_string(node).unwrap();
    let again = parse_nodes_jsonl(&line, "export");
    prop_assert!(again.errors.is_empty(), "{line}: {:?}", again.errors);
    prop_assert_eq!(again.items.len(), 1);
    prop_assert_eq!(&again.items[0].item, node);
    prop_assert_eq!(serde_json::to_string(&again.items[0].item).unwrap(), line);
    Ok(())
}

fn check_edge_round_trip(edge: &Edge) -> Result<(), TestCaseError> {
    let line = serde_json::to_string(edge).unwrap();
    let again = parse_edges_jsonl(&line, "export");
    prop_assert!(again.errors.is_empty(), "{line}: {:?}", again.errors);
    prop_assert_eq!(&again.items[0].item, edge);
    Ok(())
}

/// Lines of arbitrary text, JSON fragments and broken JSON.
fn jsonl_text() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        3 => messy_text(60),
        2 => json_value(3).prop_map(|v| v.to_string()),
        2 => json_value(3).prop_map(|v| {
            let text = v.to_string();
            let cut = text.len() / 2;
            text.char_indices()
                .take_while(|(i, _)| *i < cut)
                .map(|(_, c)| c)
                .collect()
        }),
        2 => wrong_object().prop_map(|v| v.to_string()),
    ];
    (
        proptest::collection::vec(line, 0..8),
        prop_oneof![Just("\n"), Just("\r\n")],
    )
        .prop_map(|(lines, newline)| lines.join(newline))
}

/// Any JSON value, nested up to `depth`.
fn json_value(depth: u32) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        Just(json!(1e300)),
        Just(json!(u64::MAX)),
        messy_text(20).prop_map(Value::String),
        (0usize..3).prop_map(|n| Value::String("x".repeat(1100 * n * n))),
    ];
    leaf.prop_recursive(depth, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(field_name(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Field names the parsers know, and some they do not.
fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(vec![
            "id", "kind", "name", "aliases", "text", "lang", "attrs", "tags", "from", "rel",
            "to", "weight", "delete", "delete_edge",
        ])
        .prop_map(str::to_owned),
        1 => messy_text(8),
    ]
}

/// A plausible id: mostly well formed, sometimes not.
fn id_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => (prop::sample::select(vec!["faq", "product", "policy"]), word())
            .prop_map(|(kind, slug)| json!(format!("{kind}/{slug}"))),
        1 => messy_text(12).prop_map(Value::String),
        1 => Just(json!(format!("faq/{}", "y".repeat(130)))),
        1 => json_value(1),
    ]
}

/// An object that looks like a node, an edge or a delete line, with wrong parts mixed in.
fn wrong_object() -> impl Strategy<Value = Value> {
    let value_for = |field: &'static str| -> BoxedStrategy<Value> {
        match field {
            "id" | "from" | "to" | "delete" => id_value().boxed(),
            "kind" | "rel" => prop_oneof![
                3 => prop::sample::select(vec!["faq", "product", "about", "Faq", "", "a b"])
                    .prop_map(|s| json!(s)),
                1 => json_value(1),
            ]
            .boxed(),
            "lang" => prop_oneof![
                prop::sample::select(vec!["en", "zh", "zh-hans", "EN", "e", ""])
                    .prop_map(|s| json!(s)),
                json_value(1),
            ]
            .boxed(),
            "aliases" | "tags" => prop_oneof![
                proptest::collection::vec(messy_text(12).prop_map(Value::String), 0..4)
                    .prop_map(Value::Array),
                json_value(2),
            ]
            .boxed(),
            "attrs" => json_value(2).boxed(),
            "weight" => prop_oneof![any::<f64>().prop_map(|f| json!(f)), json_value(1)].boxed(),
            "delete_edge" => prop_oneof![wrong_edge_key(), json_value(2)].boxed(),
            _ => json_value(2).boxed(),
        }
    };
    let fields = vec![
        "id",
        "kind",
        "name",
        "aliases",
        "text",
        "lang",
        "attrs",
        "tags",
        "from",
        "rel",
        "to",
        "weight",
        "delete",
        "delete_edge",
        "colour",
    ];
    proptest::sample::subsequence(fields.clone(), 0..=fields.len())
        .prop_flat_map(move |chosen| {
            chosen
                .into_iter()
                .map(|field| value_for(field).prop_map(move |v| (field.to_owned(), v)))
                .collect::<Vec<_>>()
        })
        .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<String, Value>>()))
}

fn wrong_edge_key() -> impl Strategy<Value = Value> {
    (id_value(), json_value(1), id_value())
        .prop_map(|(from, rel, to)| json!({"from": from, "rel": rel, "to": to}))
}

/// A node that must be accepted.
fn valid_node() -> impl Strategy<Value = Value> {
    // Names, aliases and tags may hold tabs but no other control characters.
    fn short() -> impl Strategy<Value = String> {
        messy_text(30)
            .prop_map(|s| {
                s.chars()
                    .filter(|c| !c.is_control() || *c == '\t')
                    .collect::<String>()
            })
            .prop_filter("names are not blank", |s| !s.trim().is_empty())
    }
    let attr = prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        messy_text(20).prop_map(Value::String),
    ];
    (
        prop::sample::select(vec!["faq", "product", "policy", "solution"]),
        "[a-z0-9][a-z0-9._/-]{0,40}",
        short(),
        proptest::collection::vec(short(), 0..4),
        messy_text(200),
        proptest::option::of(prop::sample::select(vec!["en", "zh", "zh-hans"])),
        proptest::collection::btree_map("[a-z_]{1,12}", attr, 0..4),
        proptest::collection::vec(short(), 0..3),
    )
        .prop_map(|(kind, slug, name, aliases, text, lang, attrs, tags)| {
            let mut node = json!({
                "id": format!("{kind}/{slug}"), "kind": kind, "name": name,
                "aliases": aliases, "text": text, "attrs": attrs, "tags": tags,
            });
            if let Some(lang) = lang {
                node["lang"] = json!(lang);
            }
            node
        })
}

fn valid_edge() -> impl Strategy<Value = Value> {
    (
        "faq/[a-z0-9-]{1,20}",
        "[a-z][a-z0-9_]{0,15}",
        "product/[a-z0-9-]{1,20}",
        proptest::option::of(any::<f64>().prop_filter("finite", |f| f.is_finite())),
        proptest::collection::btree_map("[a-z]{1,8}", messy_text(10), 0..3),
    )
        .prop_map(|(from, rel, to, weight, attrs)| {
            let mut edge = json!({"from": from, "rel": rel, "to": to, "attrs": attrs});
            if let Some(weight) = weight {
                edge["weight"] = json!(weight);
            }
            edge
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn jsonl_parsers_account_for_every_line_of_arbitrary_text(text in jsonl_text()) {
        let nodes = parse_nodes_jsonl(&text, "nodes.jsonl");
        check_accounting(&text, &nodes)?;
        for item in &nodes.items {
            check_node_round_trip(&item.item)?;
        }
        let edges = parse_edges_jsonl(&text, "edges.jsonl");
        check_accounting(&text, &edges)?;
        for item in &edges.items {
            check_edge_round_trip(&item.item)?;
        }
        check_accounting(&text, &parse_delta_jsonl(&text, "delta.jsonl"))?;
    }

    #[test]
    fn jsonl_parsers_account_for_every_line_of_arbitrary_bytes(
        bytes in proptest::collection::vec(any::<u8>(), 0..400)
    ) {
        let text = String::from_utf8_lossy(&bytes);
        check_accounting(&text, &parse_nodes_jsonl(&text, "nodes.jsonl"))?;
        check_accounting(&text, &parse_edges_jsonl(&text, "edges.jsonl"))?;
        check_accounting(&text, &parse_delta_jsonl(&text, "delta.jsonl"))?;
    }

    #[test]
    fn almost_right_objects_are_parsed_or_refused_with_their_line(
        objects in proptest::collection::vec(wrong_object(), 1..6)
    ) {
        let text = objects.iter().map(Value::to_string).collect::<Vec<_>>().join("\n");
        let nodes = parse_nodes_jsonl(&text, "nodes.jsonl");
        check_accounting(&text, &nodes)?;
        for item in &nodes.items {
            prop_assert_eq!(item.item.id.kind_prefix(), item.item.kind.as_str());
            check_node_round_trip(&item.item)?;
        }
        check_accounting(&text, &parse_edges_jsonl(&text, "edges.jsonl"))?;
        check_accounting(&text, &parse_delta_jsonl(&text, "delta.jsonl"))?;
    }

    #[test]
    fn valid_nodes_and_edges_round_trip_through_the_export_format(
        nodes in proptest::collection::vec(valid_node(), 1..5),
        edges in proptest::collection::vec(valid_edge(), 0..4),
    ) {
        let text = nodes.iter().map(Value::to_string).collect::<Vec<_>>().join("\n");
        let parsed = parse_nodes_jsonl(&text, "nodes.jsonl");
        prop_assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        prop_assert_eq!(parsed.items.len(), nodes.len());
        for (i, item) in parsed.items.iter().enumerate() {
            prop_assert_eq!(item.at.line, i + 1);
            check_node_round_trip(&item.item)?;
        }
        let text = edges.iter().map(Value::to_string).collect::<Vec<_>>().join("\n");
        let parsed = parse_edges_jsonl(&text, "edges.jsonl");
        prop_assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        prop_assert_eq!(parsed.items.len(), edges.len());
        for item in &parsed.items {
            check_edge_round_trip(&item.item)?;
        }
    }

    #[test]
    fn faq_sheets_of_arbitrary_text_are_refused_with_line_numbers(text in messy_text(300)) {
        for sheet in [text.clone(), format!("id,question,answer,aliases,lang,about,tags\n{text}")] {
            let parsed = parse_faq_csv(&sheet, "faqs.csv");
            let physical_lines = sheet.split('\n').count();
            for error in &parsed.errors {
                prop_assert!(
                    error.line.is_some_and(|l| (1..=physical_lines).contains(&l)),
                    "error without a valid line: {error}"
                );
            }
        }
    }

    #[test]
    fn faq_sheet_rows_become_faqs_or_errors_on_their_line(
        rows in proptest::collection::vec(proptest::collection::vec(csv_cell(), 7), 1..6),
        columns in Just(vec!["id", "question", "answer", "aliases", "lang", "about", "tags"])
            .prop_shuffle(),
    ) {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(&columns).unwrap();
        let mut starts = Vec::new();
        let mut line = 2;
        for row in &rows {
            starts.push(line);
            writer.write_record(row).unwrap();
            line += row.iter().map(|cell| cell.matches('\n').count()).sum::<usize>() + 1;
        }
        let sheet = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        let parsed = parse_faq_csv(&sheet, "faqs.csv");
        for error in &parsed.errors {
            prop_assert!(
                error.line.is_some_and(|l| starts.contains(&l)),
                "error not on a row's first line {starts:?}: {error}"
            );
        }
        for item in &parsed.items {
            prop_assert!(starts.contains(&item.at.line), "item on line {}", item.at.line);
        }
        let refused: std::collections::BTreeSet<_> =
            parsed.errors.iter().filter_map(|e| e.line).collect();
        let accepted: std::collections::BTreeSet<_> =
            parsed.items.iter().map(|i| i.at.line).collect();
        prop_assert_eq!(refused.len() + accepted.len(), rows.len());
        prop_assert_eq!(parsed.items.len(), 2 * accepted.len());
    }
}

/// A spreadsheet cell: ids, id lists, languages, free text with quotes, commas and newlines.
fn csv_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => "(faq/)?[a-z0-9-]{1,12}",
        1 => "(product/[a-z0-9]{1,6}\\|?){0,3}",
        1 => prop::sample::select(vec!["en", "zh", "EN", ""]).prop_map(str::to_owned),
        3 => messy_text(30),
        1 => Just(String::from("say \"hi\", then\nleave")),
    ]
}
