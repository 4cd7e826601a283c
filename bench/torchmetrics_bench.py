"""TorchMetrics' side of bench/text-retrieval.mjs: times the same workloads on CPU.

Reads the cases (JSON on stdin: workload, class, options, key, graded) and the data the JS side
wrote (bench/data/text-retrieval-scale*/), runs each case as a user would (construct, update
every batch, compute), median of `runs` runs after one warm-up, and prints one JSON line:
{"available": true, "results": [{"ms", "value"}...]} or {"available": false, "reason"} when torch
or TorchMetrics cannot be imported (TorchMetrics runs from source: its src/ and lightning-utilities'
src/ on PYTHONPATH).
Usage: python3 bench/torchmetrics_bench.py DATA_DIR RUNS BATCHES < cases.json
"""

import json
import math
import statistics
import sys
import time


def main():
    data_dir, runs, batches = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    cases = json.load(sys.stdin)
    try:
        import numpy as np
        import torch
        import torchmetrics
    except Exception as e:  # noqa: BLE001 - any import failure means "not available"
        print(json.dumps({"available": False, "reason": f"{type(e).__name__}: {e}"}))
        return
    torch.set_num_threads(1)  # the package runs single-threaded too

    def chunks(seq, b):
        size = -(-len(seq) // b)
        return [seq[i * size:(i + 1) * size] for i in range(b) if i * size < len(seq)]

    loaded = {}

    def workload(name):
        if name not in loaded:
            with open(f"{data_dir}/{name}.json") as f:
                meta = json.load(f)
            if "arrays" not in meta:
                loaded[name] = meta
            else:
                dtypes = {"Float32Array": np.float32, "Uint8Array": np.uint8, "BigInt64Array": np.int64}
                loaded[name] = {k: torch.from_numpy(np.fromfile(f"{data_dir}/{name}.{k}.bin", dtype=dtypes[t]))
                                for k, (t, _) in meta["arrays"].items()}
        return loaded[name]

    results = []
    for c in cases:
        data = workload(c["workload"])
        cls = getattr(torchmetrics.retrieval if c["workload"].startswith("r") else torchmetrics.text, c["cls"])
        if c["workload"].startswith("r"):
            target = data["graded"].long() if c["graded"] else data["target"].bool()
            inputs = list(zip(chunks(data["preds"], batches), chunks(target, batches), chunks(data["indexes"], batches)))
        else:
            n = math.ceil(len(data["preds"]) * c["share"])  # as the JS side takes it (same IEEE product)
            preds, target = data["preds"][:n], data["target"][:n]
            if c["cls"] in ("BLEUScore", "CHRFScore"):  # references: a list per hypothesis
                target = [[t] for t in target]
            inputs = list(zip(chunks(preds, batches), chunks(target, batches)))
        times, value = [], None
        for r in range(runs + 1):  # run 0 warms up on the first batch only (no JIT to warm here)
            t0 = time.perf_counter()
            m = cls(**c["options"])
            for batch in inputs if r > 0 else inputs[:1]:
                m.update(*batch)
            out = m.compute()
            t = (time.perf_counter() - t0) * 1000
            if r > 0:
                times.append(t)
            if isinstance(out, dict):
                out = out[c["key"]] if c["key"] else next(iter(out.values()))
            elif isinstance(out, (tuple, list)):
                out = out[0]
            value = float(out.flatten()[0])
        results.append({"ms": statistics.median(times), "value": value})
        print(f"  TorchMetrics {c['cls']}: {statistics.median(times):.1f} ms", file=sys.stderr, flush=True)
    print(json.dumps({"available": True, "version": torchmetrics.__version__, "torch": torch.__version__,
                      "results": results}))


if __name__ == "__main__":
    main()
