#!/usr/bin/env python3
"""An independent safetensors reader and writer for the tests: Python's standard library only.

  safetensors_tool.py read PATH     PATH a .safetensors file or a model directory; prints a JSON
                                    summary (files, metadata, tensors with dtype, shape and the
                                    raw bits and values of their first elements) and the format
                                    problems found; exits 1 when there are any.
  safetensors_tool.py write FILE    writes a small file with known contents (see write()).
"""
import json
import os
import struct
import sys

SIZES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4}
FIRST = 6  # elements reported per tensor


def decode(dtype, raw):
    """The element's bits as an unsigned integer, and its value (a string for nan/inf)."""
    n = SIZES[dtype]
    bits = int.from_bytes(raw, "little")
    if dtype == "F32":
        v = struct.unpack("<f", raw)[0]
    elif dtype == "F64":
        v = struct.unpack("<d", raw)[0]
    elif dtype == "F16":
        v = struct.unpack("<e", raw)[0]
    elif dtype == "BF16":
        v = struct.unpack("<f", struct.pack("<I", bits << 16))[0]
    else:
        v = int.from_bytes(raw, "little", signed=True)
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        v = repr(v)
    assert len(raw) == n
    return bits, v


def read_file(path, problems):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        problems.append(f"{path}: shorter than 8 bytes")
        return {}, {}
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        problems.append(f"{path}: header length {n} beyond the file")
        return {}, {}
    if (8 + n) % 8 != 0:
        problems.append(f"{path}: data does not start 8-aligned")
    text = data[8:8 + n].decode("utf-8")
    if not text.rstrip(" ").endswith("}"):
        problems.append(f"{path}: the header is not JSON padded with spaces")
    header = json.loads(text)
    meta = header.pop("__metadata__", {})
    body = data[8 + n:]
    spans = []
    tensors = {}
    for name, info in header.items():
        dtype, shape, (b, e) = info["dtype"], info["shape"], info["data_offsets"]
        numel = 1
        for s in shape:
            numel *= s
        if e - b != numel * SIZES[dtype]:
            problems.append(f"{path}: {name} spans {e - b} bytes, needs {numel * SIZES[dtype]}")
        spans.append((b, e, name))
        k = SIZES[dtype]
        first = [decode(dtype, body[b + i * k:b + (i + 1) * k]) for i in range(min(FIRST, numel))]
        tensors[name] = {"dtype": dtype, "shape": shape, "bits": [x[0] for x in first],
                         "values": [x[1] for x in first]}
    spans.sort()
    at = 0
    for b, e, name in spans:
        if b != at:
            problems.append(f"{path}: {name} starts at {b}, expected {at} (gap or overlap)")
        at = e
    if at != len(body):
        problems.append(f"{path}: tensors end at {at} but the data has {len(body)} bytes")
    return meta, tensors


def read(path):
    problems = []
    out = {"files": {}, "tensors": {}, "metadata": {}}
    if os.path.isdir(path):
        index = os.path.join(path, "model.safetensors.index.json")
        if os.path.exists(index):
            with open(index) as f:
                idx = json.load(f)
            out["index"] = idx
            files = sorted(set(idx["weight_map"].values()))
        else:
            files = ["model.safetensors"]
        paths = [os.path.join(path, f) for f in files]
    else:
        paths = [path]
    total = 0
    for p in paths:
        meta, tensors = read_file(p, problems)
        name = os.path.basename(p)
        out["files"][name] = sorted(tensors)
        out["metadata"][name] = meta
        for t, info in tensors.items():
            if t in out["tensors"]:
                problems.append(f"{t} appears twice")
            out["tensors"][t] = info
            numel = 1
            for s in info["shape"]:
                numel *= s
            total += numel * SIZES[info["dtype"]]
    if "index" in out:
        wm = out["index"]["weight_map"]
        for t, f in wm.items():
            if t not in out["files"].get(f, []):
                problems.append(f"index lists {t} in {f}, which lacks it")
        if set(wm) != set(out["tensors"]):
            problems.append("index weight_map and shard contents differ")
        if out["index"].get("metadata", {}).get("total_size") != total:
            problems.append(f"index total_size is not {total}")
    out["problems"] = problems
    json.dump(out, sys.stdout, indent=1)
    return 1 if problems else 0


def write(path):
    """Three tensors, header keys not in offset order, a 'b' tensor first in the data."""
    a = struct.pack("<6f", 1.5, -2.0, 0.0, 3.25, -0.0, 1e-40)         # F32 (2, 3), a subnormal
    b = struct.pack("<4e", 0.5, -1.0, 65504.0, 6e-8)                  # F16 (4,)
    c = b"".join(struct.pack("<H", x) for x in (0x3F80, 0xC040, 0x7F80, 0x0001))  # BF16 (2, 2)
    header = {
        "c": {"dtype": "BF16", "shape": [2, 2], "data_offsets": [len(b) + len(a), len(b) + len(a) + len(c)]},
        "__metadata__": {"format": "pt", "source": "python"},
        "a": {"dtype": "F32", "shape": [2, 3], "data_offsets": [len(b), len(b) + len(a)]},
        "b": {"dtype": "F16", "shape": [4], "data_offsets": [0, len(b)]},
    }
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b + a + c)
    return 0


if __name__ == "__main__":
    sys.exit(read(sys.argv[2]) if sys.argv[1] == "read" else write(sys.argv[2]))
