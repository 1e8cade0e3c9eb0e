//! The KB's nodes and edges saved beside the store (`<data-dir>/graph.bin`), so a start-up reads
//! one compact file instead of decoding every JSON record of the store. Like `vectors.bin` it is
//! derived state: stamped with the store's id and the KB version it was saved at, and checksummed,
//! so a file that is stale, truncated or altered is ignored (then rewritten from the store); it
//! costs time, never correctness.
//!
//! Layout (little-endian): magic, store id, KB version, then two sections — nodes, edges — each
//! its length, its sha256 and its records. Strings are a `u32` length and UTF-8 bytes; ids are
//! parsed again when read, so a file can only yield values the store could hold.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::domain::{AttrValue, Attrs, Edge, KindName, Lang, Node, NodeId, NodeMeta, RelName};
use crate::store::NodeRecord;

const MAGIC: &[u8; 8] = b"AGGRAPH\x01";

/// What a saved file must have been saved for to be used: this store at this KB version.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stamp {
    pub store: u64,
    pub kb_version: u64,
}

/// Where the nodes and edges are saved.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("graph.bin")
}

/// The nodes (in id order, as saved) and edges saved for `stamp`, if the file holds exactly those
/// and both checksums match. Sections are checked and decoded on two threads.
pub fn load(path: &Path, stamp: Stamp) -> Option<(Vec<NodeRecord>, Vec<Edge>)> {
    let bytes = std::fs::read(path).ok()?;
    let mut reader = Reader::new(&bytes);
    if reader.take(8)? != MAGIC || reader.u64()? != stamp.store || reader.u64()? != stamp.kb_version
    {
        return None;
    }
    let nodes = reader.section()?;
    let edges = reader.section()?;
    if !reader.is_done() {
        return None;
    }
    std::thread::scope(|scope| {
        let edges = scope.spawn(|| Reader::new(edges).all(Reader::edge));
        let nodes = Reader::new(nodes).all(Reader::node_record);
        Some((nodes?, edges.join().ok()??))
    })
}

/// Saves `nodes` and `edges` for `stamp` atomically (temporary file, then rename). A failure
/// only costs the next start-up time, so the caller logs it and carries on.
pub fn save<'a>(
    path: &Path,
    stamp: Stamp,
    nodes: impl ExactSizeIterator<Item = (&'a Node, &'a NodeMeta)>,
    edges: impl ExactSizeIterator<Item = &'a Edge>,
) -> std::io::Result<()> {
    let mut node_bytes = Writer::default();
    node_bytes.u32(nodes.len() as u32);
    for (node, meta) in nodes {
        node_bytes.node(node);
        node_bytes.u64(meta.version);
        node_bytes.str(&meta.updated_at);
    }
    let mut edge_bytes = Writer::default();
    edge_bytes.u32(edges.len() as u32);
    for edge in edges {
        edge_bytes.edge(edge);
    }
    let temp = path.with_extension("bin.tmp");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&temp)?);
    file.write_all(MAGIC)?;
    file.write_all(&stamp.store.to_le_bytes())?;
    file.write_all(&stamp.kb_version.to_le_bytes())?;
    for section in [node_bytes.0, edge_bytes.0] {
        file.write_all(&(section.len() as u64).to_le_bytes())?;
        file.write_all(&Sha256::digest(&section))?;
        file.write_all(&section)?;
    }
    file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(temp, path)
}

#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn u32(&mut self, value: u32) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    fn u64(&mut self, value: u64) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    fn str(&mut self, value: &str) {
        self.u32(value.len() as u32);
        self.0.extend_from_slice(value.as_bytes());
    }

    fn strs(&mut self, values: &[String]) {
        self.u32(values.len() as u32);
        for value in values {
            self.str(value);
        }
    }

    fn attrs(&mut self, attrs: &Attrs) {
        self.u32(attrs.len() as u32);
        for (key, value) in attrs {
            self.str(key);
            match value {
                AttrValue::Bool(b) => self.0.extend_from_slice(&[0, u8::from(*b)]),
                AttrValue::Number(n) => {
                    self.0.push(1);
                    self.str(&n.to_string());
                }
                AttrValue::Text(s) => {
                    self.0.push(2);
                    self.str(s);
                }
            }
        }
    }

    fn node(&mut self, node: &Node) {
        self.str(node.id.as_str());
        self.str(node.kind.as_str());
        self.str(&node.name);
        self.strs(&node.aliases);
        self.str(&node.text);
        match &node.lang {
            Some(lang) => {
                self.0.push(1);
                self.str(lang.as_str());
            }
            None => self.0.push(0),
        }
        self.attrs(&node.attrs);
        self.strs(&node.tags);
    }

    fn edge(&mut self, edge: &Edge) {
        self.str(edge.from.as_str());
        self.str(edge.rel.as_str());
        self.str(edge.to.as_str());
        self.attrs(&edge.attrs);
        match edge.weight {
            Some(weight) => {
                self.0.push(1);
                self.0.extend_from_slice(&weight.to_le_bytes());
            }
            None => self.0.push(0),
        }
    }
}

/// Reads what [`Writer`] wrote; every read is `None` past the end or on a value that does not
/// parse.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    fn is_done(&self) -> bool {
        self.at == self.bytes.len()
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let slice = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(slice)
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A section's records, if its checksum matches.
    fn section(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.u64()?).ok()?;
        let digest = self.take(32)?;
        let records = self.take(len)?;
        (Sha256::digest(records).as_slice() == digest).then_some(records)
    }

    /// A count, then that many records, and nothing after them.
    fn all<T>(mut self, mut record: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let count = self.u32()? as usize;
        // A count is only trusted as far as the bytes could hold that many records.
        let mut records = Vec::with_capacity(count.min(self.bytes.len()));
        for _ in 0..count {
            records.push(record(&mut self)?);
        }
        self.is_done().then_some(records)
    }

    fn str(&mut self) -> Option<&'a str> {
        let len = self.u32()? as usize;
        std::str::from_utf8(self.take(len)?).ok()
    }

    fn string(&mut self) -> Option<String> {
        self.str().map(str::to_owned)
    }

    fn strings(&mut self) -> Option<Vec<String>> {
        let count = self.u32()? as usize;
        (0..count).map(|_| self.string()).collect()
    }

    fn attrs(&mut self) -> Option<Attrs> {
        let count = self.u32()? as usize;
        (0..count)
            .map(|_| {
                let key = self.string()?;
                let value = match self.u8()? {
                    0 => AttrValue::Bool(self.u8()? != 0),
                    1 => AttrValue::Number(self.str()?.parse().ok()?),
                    2 => AttrValue::Text(self.string()?),
                    _ => return None,
                };
                Some((key, value))
            })
            .collect()
    }

    fn node_record(&mut self) -> Option<NodeRecord> {
        let node = Node {
            id: NodeId::parse(self.str()?).ok()?,
            kind: KindName::parse(self.str()?).ok()?,
            name: self.string()?,
            aliases: self.strings()?,
            text: self.string()?,
            lang: match self.u8()? {
                0 => None,
                1 => Some(Lang::parse(self.str()?).ok()?),
                _ => return None,
            },
            attrs: self.attrs()?,
            tags: self.strings()?,
        };
        let meta = NodeMeta {
            version: self.u64()?,
            updated_at: self.string()?,
        };
        Some(NodeRecord { node, meta })
    }

    fn edge(&mut self) -> Option<Edge> {
        Some(Edge {
            from: NodeId::parse(self.str()?).ok()?,
            rel: RelName::parse(self.str()?).ok()?,
            to: NodeId::parse(self.str()?).ok()?,
            attrs: self.attrs()?,
            weight: match self.u8()? {
                0 => None,
                1 => Some(f64::from_le_bytes(self.take(8)?.try_into().ok()?)),
                _ => return None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::formats::{parse_edges_jsonl, parse_nodes_jsonl};

    const NODES: &str = r#"{"id":"faq/a","kind":"faq","name":"A?","aliases":["Ay?"],"text":"Yes.","lang":"en","attrs":{"n":1.5,"big":12345678901234567890,"ok":true,"s":"x"},"tags":["t"]}
{"id":"product/x","kind":"product","name":"X"}"#;
    const EDGES: &str = r#"{"from":"faq/a","rel":"about","to":"product/x","attrs":{"k":"v"},"weight":0.25}
{"from":"product/x","rel":"rel_2","to":"faq/a"}"#;

    fn records() -> (Vec<NodeRecord>, Vec<Edge>) {
        let nodes = parse_nodes_jsonl(NODES, "nodes.jsonl");
        let edges = parse_edges_jsonl(EDGES, "edges.jsonl");
        assert!(
            nodes.errors.is_empty() && edges.errors.is_empty(),
            "{:?} {:?}",
            nodes.errors,
            edges.errors
        );
        let records = nodes
            .items
            .into_iter()
            .enumerate()
            .map(|(i, l)| NodeRecord {
                node: l.item,
                meta: NodeMeta {
                    version: i as u64 + 1,
                    updated_at: "2026-01-01T00:00:00.000Z".into(),
                },
            })
            .collect();
        (records, edges.items.into_iter().map(|l| l.item).collect())
    }

    fn saved(dir: &Path, stamp: Stamp) -> PathBuf {
        let file = path(dir);
        let (nodes, edges) = records();
        save(
            &file,
            stamp,
            nodes.iter().map(|r| (&r.node, &r.meta)),
            edges.iter(),
        )
        .unwrap();
        file
    }

    #[test]
    fn saved_nodes_and_edges_load_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let stamp = Stamp {
            store: 1,
            kb_version: 7,
        };
        let file = saved(dir.path(), stamp);
        assert_eq!(load(&file, stamp), Some(records()));
    }

    #[test]
    fn a_stale_or_damaged_file_is_never_used() {
        let dir = tempfile::tempdir().unwrap();
        let stamp = Stamp {
            store: 1,
            kb_version: 7,
        };
        let file = saved(dir.path(), stamp);
        for other in [
            Stamp { store: 2, ..stamp },
            Stamp {
                kb_version: 8,
                ..stamp
            },
        ] {
            assert!(load(&file, other).is_none(), "{other:?}");
        }
        let good = std::fs::read(&file).unwrap();
        // Any single byte changed, anywhere past the header, or the file cut short.
        for at in (24..good.len()).step_by(7) {
            let mut bad = good.clone();
            bad[at] ^= 0x20;
            std::fs::write(&file, &bad).unwrap();
            assert!(load(&file, stamp).is_none(), "byte {at} altered");
        }
        for len in [0, 10, good.len() / 2, good.len() - 1] {
            std::fs::write(&file, &good[..len]).unwrap();
            assert!(load(&file, stamp).is_none(), "cut at {len}");
        }
        let mut longer = good.clone();
        longer.push(0);
        std::fs::write(&file, &longer).unwrap();
        assert!(load(&file, stamp).is_none());
    }
}
