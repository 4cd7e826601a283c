"""pycocotools' side of bench/detection.mjs: one COCO bbox evaluation in this (fresh) process.

Times, each as wall (perf_counter) and CPU (process_time) seconds: COCO(gt) (json.load of the
ground truth + createIndex), loadRes (json.load of the results + index), evaluate, accumulate and
summarize (its printout swallowed). Prints one JSON line: {"available": true, "wall": {...},
"cpu": {...}, "stats": [12]} or {"available": false, "reason"} when pycocotools cannot be imported.
pycocotools is taken from $PYCOCOTOOLS (a folder holding the built pycocotools package) when set,
else from the interpreter's own packages; see bench/DETECTION.md for building it from source.
Usage: python3 bench/pycocotools_bench.py GT.json RESULTS.json
"""

import contextlib
import io
import json
import os
import sys
import time


def main():
    gt_path, res_path = sys.argv[1], sys.argv[2]
    if os.environ.get("PYCOCOTOOLS"):
        sys.path.insert(0, os.environ["PYCOCOTOOLS"])
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            from pycocotools.coco import COCO
            from pycocotools.cocoeval import COCOeval
    except Exception as e:  # noqa: BLE001 - any import failure means "not available"
        print(json.dumps({"available": False, "reason": f"{type(e).__name__}: {e}"}))
        return
    wall, cpu = {}, {}
    sink = io.StringIO()  # pycocotools prints progress and the summary

    def timed(stage, fn):
        w, c = time.perf_counter(), time.process_time()
        with contextlib.redirect_stdout(sink):
            out = fn()
        wall[stage] = time.perf_counter() - w
        cpu[stage] = time.process_time() - c
        return out

    coco_gt = timed("loadGt", lambda: COCO(gt_path))
    coco_dt = timed("loadRes", lambda: coco_gt.loadRes(res_path))
    ev = COCOeval(coco_gt, coco_dt, "bbox")
    timed("evaluate", ev.evaluate)
    timed("accumulate", ev.accumulate)
    timed("summarize", ev.summarize)
    print(json.dumps({"available": True, "wall": wall, "cpu": cpu, "stats": [float(x) for x in ev.stats]}))


if __name__ == "__main__":
    main()
