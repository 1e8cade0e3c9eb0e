//! Issue 3: lexical, dense and hybrid search in English and Chinese with the real ONNX model,
//! kept in step with every write; the embedding cache; clear errors without model files.

use std::path::Path;

use serde_json::Value;

use crate::common::*;

fn search(data: &Path, mode: &str, query: &str) -> Value {
    json(
        data,
        &["search", "--json", "--mode", mode, "--k", "5", query],
    )
}

fn ids(response: &Value) -> Vec<String> {
    response["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect()
}

fn rank_of(response: &Value, id: &str) -> Option<usize> {
    ids(response).iter().position(|h| h == id).map(|p| p + 1)
}

/// A small bilingual KB: FAQs in English and Chinese about different topics.
fn bilingual_kb(dir: &Path) {
    write_kb(
        dir,
        "kinds: [faq, product]\nrelations:\n  - name: about\n    from: [faq]\n    to: [product]\n",
        &[
            r#"{"id":"product/r1","kind":"product","name":"R1 Router","aliases":["R1"],"text":"A dual-band router."}"#,
            r#"{"id":"faq/refund-policy","kind":"faq","name":"What is your refund policy?","text":"Unopened items can be refunded within 30 days of delivery.","lang":"en"}"#,
            r#"{"id":"faq/reset-router-password","kind":"faq","name":"How do I reset my router password?","text":"Hold the reset button for ten seconds, then sign in with the default password on the label.","lang":"en"}"#,
            r#"{"id":"faq/zh-shipping","kind":"faq","name":"订单多久能发货？","text":"付款后 24 小时内从仓库发出，快递一般三天送达。","lang":"zh"}"#,
            r#"{"id":"faq/zh-indicator","kind":"faq","name":"指示灯是什么意思？","text":"路由器的指示灯为红色表示没有连接互联网，白色表示一切正常。","lang":"zh"}"#,
            r#"{"id":"faq/battery-care","kind":"faq","name":"How should I charge the battery?","text":"Charge to 80 percent for long battery life.","lang":"en"}"#,
        ],
        &[r#"{"from":"faq/reset-router-password","rel":"about","to":"product/r1"}"#],
    );
}

#[test]
fn paraphrase_without_shared_words_is_found_densely() {
    let data = demo_data_dir();
    // No content word in common with "How do I reset my Lumora account password?".
    let query = "i can't remember the secret code to sign into my profile";
    for mode in ["dense", "hybrid"] {
        let response = search(data.path(), mode, query);
        let rank = rank_of(&response, "faq/reset-account-password");
        assert!(rank.is_some_and(|r| r <= 3), "{mode}: {:?}", ids(&response));
        assert_eq!(response["degraded"], false);
    }
}

#[test]
fn questions_cross_languages_both_ways() {
    let data = imported(bilingual_kb);
    let zh_to_en = search(data.path(), "dense", "退款政策是什么？");
    assert_eq!(ids(&zh_to_en)[0], "faq/refund-policy");
    let zh_to_en = search(data.path(), "dense", "如何重置路由器密码");
    assert_eq!(ids(&zh_to_en)[0], "faq/reset-router-password");
    let hybrid = search(data.path(), "hybrid", "如何重置路由器密码");
    assert!(rank_of(&hybrid, "faq/reset-router-password").is_some_and(|r| r <= 3));
    let en_to_zh = search(data.path(), "dense", "how long until my order ships");
    assert_eq!(ids(&en_to_zh)[0], "faq/zh-shipping");
}

#[test]
fn chinese_queries_match_chinese_text_by_words() {
    let data = imported(bilingual_kb);
    // The words occur in the answer text, apart and in another order.
    let response = search(data.path(), "lexical", "红色指示灯 互联网");
    assert_eq!(ids(&response)[0], "faq/zh-indicator");
    let hit = &response["hits"][0];
    assert!(hit["lexical"]["score"].as_f64().unwrap() > 0.0);
    assert!(hit["dense"].is_null(), "lexical mode runs no dense leg");
}

#[test]
fn model_numbers_and_error_codes_rank_first() {
    let data = demo_data_dir();
    for (query, expected) in [
        ("E42", "issue/e42-wan-down"),
        ("error e17", "issue/e17-no-ip"),
        ("LM-Z5", "product/z5-buds"),
        ("X-300", "product/x300"),
    ] {
        for mode in ["lexical", "hybrid"] {
            let response = search(data.path(), mode, query);
            assert_eq!(
                rank_of(&response, expected),
                Some(1),
                "{mode} {query}: {:?}",
                ids(&response)
            );
        }
    }
}

#[test]
fn filters_by_kind_and_explains_legs() {
    let data = demo_data_dir();
    let response = json(
        data.path(),
        &[
            "search", "--json", "--kind", "policy", "--k", "3", "warranty",
        ],
    );
    let hits = response["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h["kind"] == "policy"));
    let first = &hits[0];
    assert!(
        first["lexical"]["rank"].as_u64().is_some() || first["dense"]["rank"].as_u64().is_some()
    );
    assert!(response["took_ms"].as_f64().unwrap() > 0.0);
}

#[test]
fn writes_are_reflected_in_every_mode_at_once() {
    let data = demo_data_dir();
    let delta = temp();
    let path = delta.path().join("changes.jsonl");
    std::fs::write(
        &path,
        "{\"id\":\"faq/quantum-pairing\",\"kind\":\"faq\",\"name\":\"How do I pair the Q-Tag tracker?\",\"text\":\"Open the app, tap Add device and hold the Q-Tag button for five seconds.\"}\n\
         {\"id\":\"issue/e42-wan-down\",\"kind\":\"issue\",\"name\":\"Error Z99: flux capacitor offline\",\"text\":\"The flux capacitor lost power.\"}\n\
         {\"delete\":\"faq/guest-network\"}\n",
    )
    .unwrap();
    let outcome = json(data.path(), &["import", "--json", path.to_str().unwrap()]);
    assert_eq!(outcome["summary"]["nodes_added"], 1);
    assert_eq!(outcome["summary"]["nodes_updated"], 1);
    assert_eq!(outcome["summary"]["nodes_deleted"], 1);
    for mode in ["lexical", "dense", "hybrid"] {
        let added = search(data.path(), mode, "pair the Q-Tag tracker");
        assert_eq!(ids(&added)[0], "faq/quantum-pairing", "{mode}");
        let changed = search(data.path(), mode, "flux capacitor offline");
        assert_eq!(ids(&changed)[0], "issue/e42-wan-down", "{mode}");
        let deleted = search(data.path(), mode, "guest wifi network for visitors");
        assert!(
            !ids(&deleted).contains(&"faq/guest-network".to_string()),
            "{mode}"
        );
    }
}

#[test]
fn unchanged_content_is_never_embedded_twice() {
    let data = demo_data_dir();
    let again = json(
        data.path(),
        &["import", "--json", demo_kb().to_str().unwrap()],
    );
    assert_eq!(again["embedded"], 0);
    assert_eq!(again["changed"], false);
    // One changed answer text: exactly one new embedding (the text), none for the name.
    let delta = temp();
    let path = delta.path().join("one.jsonl");
    let line = lines(&demo_kb().join("nodes.jsonl"))
        .into_iter()
        .find(|l| l.contains("\"faq/guest-network\""))
        .unwrap();
    let mut node: Value = serde_json::from_str(&line).unwrap();
    node["text"] = Value::from("Open the app and switch on Guest Wi-Fi under Network.");
    std::fs::write(&path, format!("{node}\n")).unwrap();
    let outcome = json(data.path(), &["import", "--json", path.to_str().unwrap()]);
    assert_eq!(outcome["summary"]["nodes_updated"], 1);
    assert_eq!(outcome["embedded"], 1);
}

#[test]
fn an_english_only_model_works_by_configuration() {
    let kb = temp();
    bilingual_kb(kb.path());
    let data = temp();
    let mut import = answergraph(data.path());
    import.args([
        "--model",
        "minilm-l6-int8",
        "import",
        kb.path().to_str().unwrap(),
    ]);
    assert!(import.status().unwrap().success());
    let response = json(
        data.path(),
        &[
            "--model",
            "minilm-l6-int8",
            "search",
            "--json",
            "--mode",
            "dense",
            "money back rules",
        ],
    );
    assert_eq!(ids(&response)[0], "faq/refund-policy");
}

#[test]
fn missing_model_files_name_the_fix() {
    let data = temp();
    let empty = temp();
    let output = answergraph(data.path())
        .args([
            "--models-dir",
            empty.path().to_str().unwrap(),
            "import",
            demo_kb().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("make models"), "{stderr}");
    assert!(
        stderr.contains(empty.path().to_str().unwrap()),
        "names the missing file: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn corrupt_model_files_are_reported() {
    let data = temp();
    let models = temp();
    copy_dir(
        &Path::new(REPO).join("models/lib"),
        &models.path().join("lib"),
    );
    let model_dir = models.path().join("use-m");
    std::fs::create_dir_all(&model_dir).unwrap();
    for file in ["model.toml", "tokenizer.json"] {
        std::fs::copy(
            Path::new(REPO).join("models/use-m").join(file),
            model_dir.join(file),
        )
        .unwrap();
    }
    std::fs::write(model_dir.join("model.onnx"), b"not a model").unwrap();
    let output = answergraph(data.path())
        .args([
            "--models-dir",
            models.path().to_str().unwrap(),
            "search",
            "anything",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("corrupt") && stderr.contains("model.onnx"),
        "{stderr}"
    );
    assert!(stderr.contains("make models"), "{stderr}");
}

#[test]
fn a_query_embedding_past_its_deadline_degrades_to_lexical() {
    let data = demo_data_dir();
    // A long question takes the model tens of milliseconds, so a zero deadline has passed long
    // before it could answer, however the threads are scheduled.
    let filler: Vec<String> = (0..180).map(|i| format!("word{i}")).collect();
    let query = format!("E42 on my router {}", filler.join(" "));
    let output = answergraph(data.path())
        .env("ANSWERGRAPH__MODELS__QUERY_DEADLINE_MS", "0")
        .args(["search", "--json", &query])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("answering from the lexical leg"),
        "the cause is logged: {stderr}"
    );
    let response: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(response["degraded"], true);
    assert_eq!(ids(&response)[0], "issue/e42-wan-down");
}
