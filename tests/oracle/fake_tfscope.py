#!/usr/bin/env python3
"""A stand-in for `tfscope ckpt|show ... --json` that prints TensorFlow's own answers.

Used only by test_oracle_selftest.py to prove the oracle comparisons pass on correct output and
fail on wrong output. FAKE_TFSCOPE_DOCS names a JSON file {path: document} that the self-test
computed with tf_facts (so this script needs no TensorFlow); FAKE_TFSCOPE_MUTATE picks one
deliberate error:
  float_value   change one float element        utf8_as_base64  base64 a valid UTF-8 string
  unsorted      reverse the tensor order        drop_key        omit one tensor
  nan_as_null   write NaN as null               sig_dtype       change one signature input dtype
  tags_order    reverse a MetaGraphDef's tags   int_as_float    write an integer as 1.0
"""

import base64
import json
import os
import sys


def mutate_ckpt(doc, how):
    tensors = doc["tensors"]
    if how == "unsorted":
        tensors.reverse()
    elif how == "drop_key":
        tensors.pop()
    for t in tensors:
        v = t.get("value")
        if how == "float_value" and t["dtype"] == "DT_FLOAT" and isinstance(v, list) and v:
            while isinstance(v[0], list):
                v = v[0]
            v[0] = (v[0] if isinstance(v[0], float) else 0.0) + 1.0
            return
        if how == "utf8_as_base64" and t["dtype"] == "DT_STRING" and isinstance(v, str):
            t["value"] = {"base64": base64.b64encode(v.encode("utf-8")).decode("ascii")}
            return
        if how == "nan_as_null" and t["dtype"] == "DT_DOUBLE" and isinstance(v, list) and "nan" in v:
            v[v.index("nan")] = None
            return
        if how == "int_as_float" and t["dtype"] == "DT_INT64" and isinstance(v, int):
            t["value"] = float(v)
            return


def mutate_show(doc, how):
    metas = doc["meta_graphs"]
    if how == "tags_order":
        for m in metas:
            if len(m["tags"]) > 1:
                m["tags"] = list(reversed(m["tags"]))
    if how == "sig_dtype":
        for m in metas:
            for sig in m["signatures"].values():
                for ti in sig["inputs"].values():
                    ti["dtype"] = "DT_DOUBLE" if ti["dtype"] != "DT_DOUBLE" else "DT_FLOAT"
                    break


def main(argv):
    how = os.environ.get("FAKE_TFSCOPE_MUTATE", "")
    cmd, path = argv[1], argv[2]
    with open(os.environ["FAKE_TFSCOPE_DOCS"], encoding="utf-8") as f:
        doc = json.load(f)[path]
    if cmd == "ckpt":
        mutate_ckpt(doc, how)
    else:
        mutate_show(doc, how)
    json.dump(doc, sys.stdout)


if __name__ == "__main__":
    main(sys.argv)
