//! Integration tests: one binary, driving the real `answergraph` CLI and HTTP server on temporary
//! data directories with the real ONNX model.

mod common;
mod http;
mod kb_files;
mod server;
