"""TorchMetrics' side of bench/image-audio.mjs: times the same workloads on CPU.

Reads the cases (JSON on stdin: workload, class, options) and the data the JS side wrote
(bench/data/image-audio-scale*/: WORKLOAD.{preds,target}.bin and WORKLOAD.json with the shape and
dtype: float32, or uint8 given to TorchMetrics as float32 of the same values), runs each case as a
user would (construct, update every batch, compute), median of `runs` runs after one warm-up on the
first batch, and prints one JSON line:
{"available": true, "results": [{"ms", "cpu_ms", "runs_ms", "value"}...]} or {"available": false, "reason"} when torch
or TorchMetrics cannot be imported (TorchMetrics runs from source, as for torchmetrics_bench.py).
Usage: python3 bench/torchmetrics_image_audio_bench.py DATA_DIR RUNS BATCHES < cases.json
"""

import json
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
        import torchmetrics.audio
        import torchmetrics.image
    except Exception as e:  # noqa: BLE001 - any import failure means "not available"
        print(json.dumps({"available": False, "reason": f"{type(e).__name__}: {e}"}))
        return
    torch.set_num_threads(1)  # the package runs single-threaded too

    loaded = {}

    def workload(name):
        if name not in loaded:
            with open(f"{data_dir}/{name}.json") as f:
                meta = json.load(f)
            shape, dtype = meta["shape"], meta.get("dtype", "float32")
            # uint8 images reach TorchMetrics as float32 tensors of the same values, converted here,
            # untimed: what its users must pass (torch's uint8 subtraction wraps around)
            arrays = [torch.from_numpy(np.fromfile(f"{data_dir}/{name}.{k}.bin", dtype=dtype).astype(np.float32))
                      .reshape(shape) for k in ("preds", "target")]
            size = -(-shape[0] // batches)  # the JS side's split: ceil(n / batches) rows per batch
            loaded[name] = list(zip(torch.split(arrays[0], size), torch.split(arrays[1], size)))
        return loaded[name]

    results = []
    for c in cases:
        inputs = workload(c["workload"])
        family = torchmetrics.image if c["workload"].startswith("i") else torchmetrics.audio
        cls = getattr(family, c["cls"])
        times, cpu, value = [], [], None
        for r in range(runs + 1):  # run 0 warms up on the first batch only
            t0, c0 = time.perf_counter(), time.process_time()
            m = cls(**c["options"])
            for batch in inputs if r > 0 else inputs[:1]:
                m.update(*batch)
            out = m.compute()
            t = (time.perf_counter() - t0) * 1000
            if r > 0:
                times.append(t)
                cpu.append((time.process_time() - c0) * 1000)  # CPU time of the process, all threads
            value = float(out.flatten()[0])
        results.append({"ms": statistics.median(times), "cpu_ms": statistics.median(cpu), "runs_ms": times,
                        "value": value})
        print(f"  TorchMetrics {c['cls']}: {statistics.median(times):.1f} ms", file=sys.stderr, flush=True)
    print(json.dumps({"available": True, "version": torchmetrics.__version__, "torch": torch.__version__,
                      "results": results}))


if __name__ == "__main__":
    main()
