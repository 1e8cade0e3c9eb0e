//! Integration tests: one binary, driving the real `answergraph` CLI and HTTP server on temporary
//! data directories with the real ONNX model.

mod answers;
mod bench;
mod common;
mod gen_kb;
mod http;
mod kb_files;
mod search;
mod server;
