//! Issue 7: property tests. Thousands of generated inputs per target — arbitrary bytes and
//! Unicode (CJK, emoji, combining marks, very long lines), and structured input that is almost
//! right — through the KB file parsers, the schema parser, question understanding and the query
//! path. Nothing may panic; refusals must say where; what is accepted must round-trip.
//! (PII masking is private to the service and is tested the same way in `privacy.rs`.)

mod formats;
mod query;
mod schema;
mod text;
mod understand;
