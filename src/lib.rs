//! AnswerGraph answers customer-service questions from a product/FAQ knowledge graph.
//!
//! See `ARCHITECTURE.md` for the code map. Dependencies flow one way:
//! `cli`/`http` → `service` → {`store`, `text`, `embed`, `vector`, `graph`} → `domain`; `sync`
//! (thread plumbing) is used by any layer.

pub mod bench;
pub mod cli;
pub mod config;
pub mod domain;
pub mod embed;
pub mod graph;
pub mod http;
pub mod service;
pub mod store;
pub mod sync;
pub mod text;
pub mod vector;
