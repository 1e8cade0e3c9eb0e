//! The large weights of an ONNX model, read once so that every session of the worker pool
//! uses the same copy.
//!
//! Each ONNX Runtime session keeps its own copy of a model's weights: for USE-m, 65 MB of its
//! 69 MB are 17 int8 embedding tables, so two workers held 130 MB of identical tables. A tensor
//! given to a session builder as an initializer (`AddInitializer`) is used in place of the
//! model's own and is not copied, so the tables are read here once and handed to every session.
//!
//! Only what is needed of the ONNX format is read (the model's graph, its initializers' names,
//! shapes, element types and raw data), with a protobuf wire-format reader of a few lines rather
//! than a generated parser. Anything unexpected — a weight stored outside `raw_data`, in another
//! file, of another element type — is simply not shared: the session then loads it itself, as
//! it would without this module.

use std::sync::Arc;

use ort::value::{DynValue, Tensor};

/// Weights smaller than this are left to each session: sharing them saves too little.
const MIN_SHARED_BYTES: usize = 1 << 20;

/// One shared initializer: its name in the graph and its value.
pub struct SharedWeight {
    pub name: String,
    pub value: Arc<DynValue>,
}

/// Reads the initializers of at least [`MIN_SHARED_BYTES`] in `model` (the bytes of an `.onnx`
/// file) that can be shared. Fails only when ONNX Runtime cannot create a tensor; a model that
/// cannot be read gives no shared weights (the session reports what is wrong with it).
pub fn shared_weights(model: &[u8]) -> ort::Result<Vec<SharedWeight>> {
    let mut shared = Vec::new();
    for tensor in initializers(model) {
        if tensor.raw_data.len() < MIN_SHARED_BYTES || tensor.external {
            continue;
        }
        let Ok(shape) = tensor
            .dims
            .iter()
            .map(|&d| usize::try_from(d))
            .collect::<Result<Vec<usize>, _>>()
        else {
            continue;
        };
        if shape.iter().product::<usize>() * element_size(tensor.data_type).unwrap_or(0)
            != tensor.raw_data.len()
        {
            continue;
        }
        let value = match tensor.data_type {
            UINT8 => Tensor::from_array((shape, tensor.raw_data.to_vec()))?.into_dyn(),
            INT8 => {
                Tensor::from_array((shape, cast_bytes(tensor.raw_data, |[b]| b as i8)))?.into_dyn()
            }
            FLOAT => Tensor::from_array((shape, cast_bytes(tensor.raw_data, f32::from_le_bytes)))?
                .into_dyn(),
            _ => continue,
        };
        shared.push(SharedWeight {
            name: tensor.name.to_owned(),
            value: Arc::new(value),
        });
    }
    Ok(shared)
}

/// `TensorProto.DataType` values of the element types shared.
const FLOAT: u64 = 1;
const UINT8: u64 = 2;
const INT8: u64 = 3;

fn element_size(data_type: u64) -> Option<usize> {
    match data_type {
        FLOAT => Some(4),
        UINT8 | INT8 => Some(1),
        _ => None,
    }
}

/// Little-endian values of `N` bytes each.
fn cast_bytes<const N: usize, T>(bytes: &[u8], convert: impl Fn([u8; N]) -> T) -> Vec<T> {
    bytes
        .chunks_exact(N)
        .map(|chunk| convert(chunk.try_into().expect("chunks of N bytes")))
        .collect()
}

/// An initializer (`TensorProto`) as far as it is read.
#[derive(Debug, Default, PartialEq)]
struct TensorView<'a> {
    name: &'a str,
    dims: Vec<i64>,
    data_type: u64,
    raw_data: &'a [u8],
    /// Its data is in another file (`data_location = EXTERNAL`).
    external: bool,
}

/// The initializers of the model's graph (`ModelProto.graph` = 7, `GraphProto.initializer` =
/// 5); none if the bytes are not a model.
fn initializers(model: &[u8]) -> Vec<TensorView<'_>> {
    let Some(graph) = fields(model).find_map(|(field, value)| match (field, value) {
        (7, Wire::Bytes(graph)) => Some(graph),
        _ => None,
    }) else {
        return Vec::new();
    };
    fields(graph)
        .filter_map(|(field, value)| match (field, value) {
            (5, Wire::Bytes(tensor)) => Some(tensor_view(tensor)),
            _ => None,
        })
        .collect()
}

/// `TensorProto`: dims = 1, data_type = 2, name = 8, raw_data = 9, data_location = 14.
fn tensor_view(bytes: &[u8]) -> TensorView<'_> {
    let mut tensor = TensorView::default();
    for (field, value) in fields(bytes) {
        match (field, value) {
            (1, Wire::Varint(dim)) => tensor.dims.push(dim as i64),
            (1, Wire::Bytes(packed)) => {
                let mut at = 0;
                while let Some(dim) = varint(packed, &mut at) {
                    tensor.dims.push(dim as i64);
                }
            }
            (2, Wire::Varint(data_type)) => tensor.data_type = data_type,
            (8, Wire::Bytes(name)) => tensor.name = std::str::from_utf8(name).unwrap_or(""),
            (9, Wire::Bytes(raw)) => tensor.raw_data = raw,
            (14, Wire::Varint(location)) => tensor.external = location == 1,
            _ => {}
        }
    }
    tensor
}

/// One field's value in the protobuf wire format.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Wire<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// The fields of one protobuf message, in order; stops at the first malformed one.
fn fields(bytes: &[u8]) -> impl Iterator<Item = (u64, Wire<'_>)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= bytes.len() {
            return None;
        }
        let key = varint(bytes, &mut at)?;
        let value = match key & 7 {
            0 => Wire::Varint(varint(bytes, &mut at)?),
            1 | 5 => {
                at += if key & 7 == 1 { 8 } else { 4 };
                Wire::Fixed
            }
            2 => {
                let len = usize::try_from(varint(bytes, &mut at)?).ok()?;
                let value = bytes.get(at..at.checked_add(len)?)?;
                at += len;
                Wire::Bytes(value)
            }
            _ => return None,
        };
        Some((key >> 3, value))
    })
}

fn varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(field: u64, wire: u64) -> Vec<u8> {
        encode_varint((field << 3) | wire)
    }

    fn encode_varint(mut value: u64) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let byte = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                out.push(byte);
                return out;
            }
            out.push(byte | 0x80);
        }
    }

    fn bytes_field(field: u64, value: &[u8]) -> Vec<u8> {
        let mut out = key(field, 2);
        out.extend(encode_varint(value.len() as u64));
        out.extend_from_slice(value);
        out
    }

    fn varint_field(field: u64, value: u64) -> Vec<u8> {
        let mut out = key(field, 0);
        out.extend(encode_varint(value));
        out
    }

    /// A model whose graph has one node-like field, one unpacked-dims and one packed-dims
    /// initializer, and a fixed-width field to skip.
    fn model() -> Vec<u8> {
        let mut first = Vec::new();
        first.extend(varint_field(1, 3));
        first.extend(varint_field(1, 300));
        first.extend(varint_field(2, UINT8));
        first.extend(bytes_field(8, b"table"));
        first.extend(bytes_field(9, &[7; 900]));
        let mut packed_dims = encode_varint(2);
        packed_dims.extend(encode_varint(2));
        let mut second = bytes_field(1, &packed_dims);
        second.extend(varint_field(2, FLOAT));
        second.extend(key(3, 5));
        second.extend([0; 4]);
        second.extend(bytes_field(8, b"scale"));
        second.extend(varint_field(14, 1));
        let mut graph = bytes_field(1, b"a node");
        graph.extend(bytes_field(5, &first));
        graph.extend(bytes_field(5, &second));
        let mut model = varint_field(1, 8);
        model.extend(bytes_field(7, &graph));
        model
    }

    #[test]
    fn initializers_are_read_from_the_wire_format() {
        let model = model();
        let tensors = initializers(&model);
        assert_eq!(tensors.len(), 2);
        assert_eq!(tensors[0].name, "table");
        assert_eq!(tensors[0].dims, [3, 300]);
        assert_eq!(tensors[0].data_type, UINT8);
        assert_eq!(tensors[0].raw_data, &[7; 900][..]);
        assert!(!tensors[0].external);
        assert_eq!(tensors[1].name, "scale");
        assert_eq!(tensors[1].dims, [2, 2]);
        assert!(tensors[1].external);
    }

    #[test]
    fn bytes_that_are_not_a_model_have_no_initializers() {
        assert!(initializers(b"").is_empty());
        assert!(initializers(&[0xff; 20]).is_empty());
        // A length running past the end.
        assert!(initializers(&[0x3a, 0x7f, 1, 2]).is_empty());
    }

    #[test]
    fn the_model_shares_its_embedding_tables() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/use-m/model.onnx");
        let model = std::fs::read(path).expect("the USE-m model (make models)");
        let tables: Vec<TensorView<'_>> = initializers(&model)
            .into_iter()
            .filter(|t| t.raw_data.len() >= MIN_SHARED_BYTES)
            .collect();
        assert!(tables.len() >= 10, "{} large initializers", tables.len());
        let shared_bytes: usize = tables.iter().map(|t| t.raw_data.len()).sum();
        assert!(shared_bytes > 60_000_000, "{shared_bytes} bytes shared");
    }
}
