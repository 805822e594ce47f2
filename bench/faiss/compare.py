#!/usr/bin/python3
"""FAISS baseline for the Vigil Hamming index, on the same files the C# side wrote.

Run with Debian's python3 (python3-faiss, python3-numpy), not a pyenv one:
    /usr/bin/python3 bench/faiss/compare.py DATA_DIR --radius 31 --flat-queries 50

Loads DATA_DIR/haystack.bin and DATA_DIR/queries.bin (raw 32-byte records; id = row number) and
measures, on one thread, IndexBinaryFlat (exact scan) and IndexBinaryMultiHash(256, 16, 16) with
nflip = 1, using range_search. FAISS binary range_search keeps distances strictly below its
threshold, so "within r" is asked as threshold r + 1. Recall is against the exact Flat results.
Prints one "RESULT name=... key=value ..." line per index for compare.sh.
"""
import argparse
import time

import faiss
import numpy as np


def load(path):
    data = np.fromfile(path, dtype=np.uint8)
    if data.size % 32:
        raise SystemExit(f"{path}: {data.size} bytes is not a whole number of 32-byte records")
    return data.reshape(-1, 32)


def per_query(index, queries, threshold):
    """One range_search call per query: lookups/s and p50/p99 latency (microseconds)."""
    results, latencies = [], []
    cpu = time.thread_time()
    start = time.perf_counter()
    for i in range(len(queries)):
        t0 = time.perf_counter()
        lims, dist, ids = index.range_search(queries[i:i + 1], threshold)
        latencies.append((time.perf_counter() - t0) * 1e6)
        results.append(set(zip(ids.tolist(), dist.astype(int).tolist())))
    seconds = time.perf_counter() - start
    cpu_seconds = time.thread_time() - cpu
    latencies.sort()
    p50 = latencies[max(0, int(np.ceil(0.50 * len(latencies))) - 1)]
    p99 = latencies[max(0, int(np.ceil(0.99 * len(latencies))) - 1)]
    return results, len(queries) / seconds, len(queries) / cpu_seconds, p50, p99


def batched(index, queries, threshold, batch):
    cpu = time.thread_time()
    start = time.perf_counter()
    total = 0
    for s in range(0, len(queries), batch):
        lims, _, _ = index.range_search(queries[s:s + batch], threshold)
        total += int(lims[-1])
    return len(queries) / (time.perf_counter() - start), len(queries) / (time.thread_time() - cpu)


def report(name, single, batch, found, truth, build_s):
    lps, lps_cpu, p50, p99 = single
    batch_lps, batch_lps_cpu = batch
    expected = sum(len(t) for t in truth)
    hits = sum(len(f & t) for f, t in zip(found, truth))
    extra = sum(len(f - t) for f, t in zip(found, truth))
    recall = hits / expected if expected else 1.0
    print(f"{name}: {lps:.1f} lookups/s one at a time (p50 {p50:.0f} us, p99 {p99:.0f} us), "
          f"{batch_lps:.1f} lookups/s batched, recall {recall:.4f} ({hits}/{expected}, {extra} extra), build {build_s:.2f} s; "
          f"per CPU-second of this thread: {lps_cpu:.1f} single, {batch_lps_cpu:.1f} batched")
    print(f"RESULT name={name} queries={len(found)} single_lps={lps:.1f} batch_lps={batch_lps:.1f} "
          f"single_lps_cpu={lps_cpu:.1f} batch_lps_cpu={batch_lps_cpu:.1f} p50_us={p50:.1f} p99_us={p99:.1f} recall={recall:.4f} matches={hits} expected={expected} build_s={build_s:.3f}",
          flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir")
    parser.add_argument("--radius", type=int, default=31)
    parser.add_argument("--flat-queries", type=int, default=100, help="queries for the (slow) exact scan")
    parser.add_argument("--mih-queries", type=int, default=1000, help="queries for MultiHash")
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()

    faiss.omp_set_num_threads(1)
    xb = load(f"{args.data_dir}/haystack.bin")
    xq = load(f"{args.data_dir}/queries.bin")
    threshold = args.radius + 1
    print(f"faiss {faiss.__version__}, {len(xb):,} hashes, {len(xq):,} queries, radius {args.radius}, 1 thread", flush=True)

    t0 = time.perf_counter()
    flat = faiss.IndexBinaryFlat(256)
    flat.add(xb)
    flat_build = time.perf_counter() - t0
    nq_flat = min(args.flat_queries, len(xq))
    flat_found, *flat_single = per_query(flat, xq[:nq_flat], threshold)
    flat_batch = batched(flat, xq[:nq_flat], threshold, args.batch)
    report("faiss_flat", flat_single, flat_batch, flat_found, flat_found, flat_build)

    t0 = time.perf_counter()
    mh = faiss.IndexBinaryMultiHash(256, 16, 16)
    mh.nflip = 1
    mh.add(xb)
    mh_build = time.perf_counter() - t0
    nq_mih = min(args.mih_queries, len(xq))
    mh_found, *mh_single = per_query(mh, xq[:nq_mih], threshold)
    mh_batch = batched(mh, xq[:nq_mih], threshold, args.batch)
    # Ground truth for the MultiHash queries: the exact Flat index, in one batched call.
    lims, dist, ids = flat.range_search(xq[:nq_mih], threshold) if nq_mih > nq_flat else (None, None, None)
    truth = list(flat_found)
    if lims is not None:
        truth = [set(zip(ids[lims[i]:lims[i + 1]].tolist(), dist[lims[i]:lims[i + 1]].astype(int).tolist()))
                 for i in range(nq_mih)]
    report("faiss_multihash", mh_single, mh_batch, mh_found, truth[:nq_mih], mh_build)


if __name__ == "__main__":
    main()
