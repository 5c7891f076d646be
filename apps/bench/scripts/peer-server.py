#!/usr/bin/env python3
"""Keeps an eager PyTorch MARIA (the "peer") loaded and runs one greedy infill per request, so a
benchmark can alternate single infills of it with ours in one run (peer-interleaved.ts).

    python peer-server.py PEER_PY --ar DIR --mlm DIR [--head FILE] --threads N

PEER_PY is a peer script exposing `Pair`, `maria_infill` and `set_threads` (the interface
`peer-compare.sh` calls through `infill-bench`). --head is a MARIA head folder's
model.safetensors (`fusion.ar_weight` [dA, V], `fusion.mlm_weight` [dM, V], `fusion.bias` [V],
any float dtype); without it the peer uses its own product-of-experts head (same shapes and cost).

Protocol: one JSON line out when ready ({"ready": true, "threads", "torch"}), then for each line
in ({"ids": [...], "masked": [...]}) one line out ({"seconds", "filled": ids at the sorted masked
positions}). Tooling for measurement only; the product never runs Python.
"""
import argparse
import importlib.util
import json
import struct
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("peer")
parser.add_argument("--ar", required=True)
parser.add_argument("--mlm", required=True)
parser.add_argument("--head", default=None)
parser.add_argument("--threads", default="1")
args = parser.parse_args()

# The peer sets its BLAS thread variables from --threads in sys.argv when it is imported.
spec = importlib.util.spec_from_file_location("peer", args.peer)
peer = importlib.util.module_from_spec(spec)
spec.loader.exec_module(peer)
import numpy as np  # noqa: E402  (after the peer set the thread variables)
import torch  # noqa: E402

DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64}


def read_safetensors(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] == "BF16":
            raw = np.frombuffer(data[entry["data_offsets"][0]:entry["data_offsets"][1]], dtype=np.uint16)
            values = (raw.astype(np.uint32) << 16).view(np.float32)
        else:
            values = np.frombuffer(data[entry["data_offsets"][0]:entry["data_offsets"][1]], dtype=DTYPES[entry["dtype"]])
        tensors[name] = values.astype(np.float32).reshape(entry["shape"])
    return tensors


pair = peer.Pair(args.ar, args.mlm)
if args.head:
    head = read_safetensors(args.head)
    w3 = np.concatenate([head["fusion.ar_weight"].T, head["fusion.mlm_weight"].T], 1)
    pair.set_head(torch.tensor(w3), torch.tensor(head["fusion.bias"]))
threads = peer.set_threads(int(args.threads))
print(json.dumps({"ready": True, "threads": threads, "torch": torch.__version__}), flush=True)

for line in sys.stdin:
    if not line.strip():
        continue
    request = json.loads(line)
    masked = sorted(request["masked"])
    with torch.inference_mode():
        start = time.perf_counter()
        out = peer.maria_infill(pair, list(request["ids"]), masked)
        seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "filled": [out[i] for i in masked]}), flush=True)
