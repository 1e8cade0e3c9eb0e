//! Integration tests: one binary, driving the real `answergraph` CLI and HTTP server on temporary
//! data directories with the real ONNX model.

mod answers;
mod backup;
mod bench;
mod common;
mod crash;
mod gen_kb;
mod http;
mod kb_files;
mod props;
mod search;
mod security;
mod server;
mod soak;
