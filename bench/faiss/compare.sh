#!/usr/bin/env bash
# Vigil's HammingIndex against FAISS on the same data, one core each, radius 31 by default.
# Usage: bench/faiss/compare.sh [COUNT=1000000] [QUERIES=1000] [FLAT_QUERIES=100] [RADIUS=31] [SEED=7]
# The C# side generates the data set (random hashes, 8 planted neighbours per query), writes it as raw
# 32-byte records, benchmarks the index and checks it against brute force; then FAISS loads the same
# files. Needs Debian's /usr/bin/python3 with python3-faiss and python3-numpy.
set -euo pipefail
cd "$(dirname "$0")/../.."

count=${1:-1000000}
queries=${2:-1000}
flat_queries=${3:-100}
radius=${4:-31}
seed=${5:-7}
data=$(mktemp -d "${TMPDIR:-/tmp}/vigil-index-bench.XXXXXX")
trap 'rm -rf "$data"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "== Vigil HammingIndex (C#, 1 thread) =="
dotnet run -c Release bench/faiss/IndexBench.cs -- "$count" "$queries" "$radius" "$seed" "$data" | tee "$data/cs.txt"
echo "== FAISS (python3-faiss, 1 thread) =="
/usr/bin/python3 bench/faiss/compare.py "$data" --radius "$radius" --flat-queries "$flat_queries" --mih-queries "$queries" | tee "$data/py.txt"

# key=value fields of a RESULT line
field() { grep '^RESULT' "$1" | grep "${3:-}" | tr ' ' '\n' | grep "^$2=" | head -n 1 | cut -d= -f2; }
vigil_single=$(field "$data/cs.txt" single_lps)
vigil_batch=$(field "$data/cs.txt" batch_lps)
vigil_recall=$(field "$data/cs.txt" recall)

echo
echo "== radius $radius, $count hashes, one thread: lookups/s (higher is better) =="
printf '%-26s %14s %14s %8s %18s %18s\n' index single batched recall "vigil/this single" "vigil/this batch"
printf '%-26s %14s %14s %8s %18s %18s\n' "vigil HammingIndex" "$vigil_single" "$vigil_batch" "$vigil_recall" 1.00 1.00
for name in faiss_flat faiss_multihash; do
  s=$(field "$data/py.txt" single_lps "name=$name ")
  b=$(field "$data/py.txt" batch_lps "name=$name ")
  r=$(field "$data/py.txt" recall "name=$name ")
  printf '%-26s %14s %14s %8s %18s %18s\n' "$name" "$s" "$b" "$r" \
    "$(awk -v a="$vigil_single" -v b="$s" 'BEGIN{printf "%.1f", a/b}')" \
    "$(awk -v a="$vigil_batch" -v b="$b" 'BEGIN{printf "%.1f", a/b}')"
done
