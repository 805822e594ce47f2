#!/usr/bin/env bash
# Vigil's HammingIndex against FAISS on the same data, one core each, radius 31 by default.
# Usage: bench/faiss/compare.sh [COUNT=1000000] [QUERIES=1000] [FLAT_QUERIES=100] [MIH_QUERIES=QUERIES] [RADIUS=31] [SEED=7]
# FAISS is slow at 10M (Flat scans, MultiHash probes long bucket lists): give it fewer queries there, e.g.
#   bench/faiss/compare.sh 10000000 1000 20 200
# The C# side generates the data set (random hashes, 8 planted neighbours per query), writes it as raw
# 32-byte records, benchmarks the index and checks it against brute force; then FAISS loads the same
# files. Needs Debian's /usr/bin/python3 with python3-faiss and python3-numpy.
set -euo pipefail
cd "$(dirname "$0")/../.."

count=${1:-1000000}
queries=${2:-1000}
flat_queries=${3:-100}
mih_queries=${4:-$queries}
radius=${5:-31}
seed=${6:-7}
data=$(mktemp -d "${TMPDIR:-/tmp}/vigil-index-bench.XXXXXX")
trap 'rm -rf "$data"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "== Vigil HammingIndex (C#, 1 thread) =="
dotnet run -c Release bench/faiss/IndexBench.cs -- "$count" "$queries" "$radius" "$seed" "$data" | tee "$data/cs.txt"
echo "== FAISS (python3-faiss, 1 thread) =="
/usr/bin/python3 bench/faiss/compare.py "$data" --radius "$radius" --flat-queries "$flat_queries" --mih-queries "$mih_queries" | tee "$data/py.txt"

# key=value fields of a RESULT line
field() { grep '^RESULT' "$1" | grep "${3:-}" | tr ' ' '\n' | grep "^$2=" | head -n 1 | cut -d= -f2; }
vigil_single=$(field "$data/cs.txt" single_lps)
vigil_batch=$(field "$data/cs.txt" batch_lps)
vigil_recall=$(field "$data/cs.txt" recall)

row() { # name single batch recall single_cpu batch_cpu
  printf '%-20s %11s %11s %8s %12s %12s %12s %12s\n' "$1" "$2" "$3" "$4" "$5" "$6" \
    "$(awk -v a="$vigil_single" -v b="$2" 'BEGIN{printf "%.1f", a/b}')" \
    "$(awk -v a="$vigil_batch" -v b="$3" 'BEGIN{printf "%.1f", a/b}')"
}
vigil_single_cpu=$(field "$data/cs.txt" single_lps_cpu)
vigil_batch_cpu=$(field "$data/cs.txt" batch_lps_cpu)

echo
echo "== radius $radius, $count hashes, one thread: lookups/s, higher is better (cpu = per CPU-second of the thread) =="
printf '%-20s %11s %11s %8s %12s %12s %12s %12s\n' index single batched recall "single(cpu)" "batch(cpu)" "vigil/single" "vigil/batch"
row "vigil HammingIndex" "$vigil_single" "$vigil_batch" "$vigil_recall" "$vigil_single_cpu" "$vigil_batch_cpu"
for name in faiss_flat faiss_multihash; do
  row "$name" "$(field "$data/py.txt" single_lps "name=$name ")" "$(field "$data/py.txt" batch_lps "name=$name ")" \
    "$(field "$data/py.txt" recall "name=$name ")" "$(field "$data/py.txt" single_lps_cpu "name=$name ")" \
    "$(field "$data/py.txt" batch_lps_cpu "name=$name ")"
done
