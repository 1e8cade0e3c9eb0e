//! Key codecs for the `kb` tree. Ids never contain `\0` (see `domain::ids`), so it separates
//! key parts unambiguously and keeps prefix scans exact.

use crate::domain::EdgeKey;

pub const NODE_PREFIX: &[u8] = b"n\0";
pub const EDGE_PREFIX: &[u8] = b"e\0";
pub const VERSION: &[u8] = b"m\0version";
pub const SCHEMA: &[u8] = b"m\0schema";
pub const SETTINGS: &[u8] = b"m\0settings";
pub const STORE_ID: &[u8] = b"m\0store_id";

pub fn node(id: &str) -> Vec<u8> {
    join(b'n', &[id])
}

pub fn edge_out(key: &EdgeKey) -> Vec<u8> {
    join(
        b'e',
        &[key.from.as_str(), key.rel.as_str(), key.to.as_str()],
    )
}

pub fn edge_in(key: &EdgeKey) -> Vec<u8> {
    join(
        b'i',
        &[key.to.as_str(), key.rel.as_str(), key.from.as_str()],
    )
}

pub fn change(version: u64) -> Vec<u8> {
    let mut key = b"c\0".to_vec();
    key.extend_from_slice(&version.to_be_bytes());
    key
}

fn join(tag: u8, parts: &[&str]) -> Vec<u8> {
    let mut key = vec![tag];
    for part in parts {
        key.push(0);
        key.extend_from_slice(part.as_bytes());
    }
    key
}

pub fn decode_u64(raw: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    let n = raw.len().min(8);
    bytes[8 - n..].copy_from_slice(&raw[raw.len() - n..]);
    u64::from_be_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codecs_round_trip() {
        assert_eq!(decode_u64(&42u64.to_be_bytes()), 42);
        assert!(change(2) < change(10));
        assert_eq!(node("faq/a"), b"n\0faq/a".to_vec());
    }
}
