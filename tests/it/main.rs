//! Integration tests: one binary, driving the real `answergraph` CLI (and later the HTTP server)
//! on temporary data directories with the real ONNX model.

mod answers;
mod backup;
mod common;
mod crash;
mod gen_kb;
mod kb_files;
mod props;
mod search;
