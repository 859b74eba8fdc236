#!/usr/bin/env python3
"""Compares `tfscope show` with TensorFlow's `saved_model_cli show` on the shared models.

Run with the TensorFlow venv:  ~/.cache/tfscope/venv/bin/python compare_saved_model_cli.py TFSCOPE_BIN
Differences that are expected and normalised away before comparing:
  * the op set: Python prints a set in hash order, tfscope prints it sorted;
  * tfscope's own "Variables" and "Assets" sections at the end of --all;
  * the order of a function's "Option #N" blocks under "Concrete Functions": TensorFlow sorts the
    concrete functions by the names it gives them when loading (new uids), tfscope by the stored
    names; both are sorted here and renumbered.
Prints OK/DIFF per case and exits 1 on any difference. TensorFlow is imported once; each case
calls saved_model_cli's show helpers in-process (the same functions `show` dispatches to).
"""
import ast
import contextlib
import difflib
import io
import os
import re
import subprocess
import sys

from tensorflow.python.tools import saved_model_cli as smc

MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..', 'shared', 'testdata', 'models')
MODELS = os.path.normpath(os.environ.get('TFSCOPE_SHARED_MODELS', MODELS))
HP2 = 'serving_saved_model_half_plus_two_cpu/00000123'

# name -> (model dir, mode, tag_set, signature_def)
CASES = {
    'hp2_cpu_all': (HP2, 'all', None, None),
    'hp2_cpu_tags': (HP2, 'tags', None, None),
    'hp2_cpu_serve': (HP2, 'keys', 'serve', None),
    'hp2_cpu_serve_default': (HP2, 'sig', 'serve', 'serving_default'),
    'hp2_cpu_listops': (HP2, 'ops', 'serve', None),
    'hp2_tf2_all': ('serving_saved_model_half_plus_two_tf2_cpu/00000123', 'all', None, None),
    'counter_all': ('serving_saved_model_counter/00000123', 'all', None, None),
    'hp3_all': ('serving_saved_model_half_plus_three/00000123', 'all', None, None),
    'pbtxt_all': ('tf_cc_half_plus_two_pbtxt/00000123', 'all', None, None),
    'rust_reg_all': ('rust_test_resources_regression-model', 'all', None, None),
    'rust_reg_tags': ('rust_test_resources_regression-model', 'tags', None, None),
    'rust_reg_ts': ('rust_test_resources_regression-model', 'keys', 'train,serve', None),
    'kotlindl_all': ('kotlindl_mnist1_saved_model', 'all', None, None),
    'tfma_all': ('tfx_trainer_current_Format-TFMA/1646034758', 'all', None, None),
    'tfjs_multi_all': ('tfjs_node_module_with_multiple_signatures', 'all', None, None),
    'onnx_reg_all': ('onnx_regression/saved_model', 'all', None, None),
    'rust_regsm_all': ('rust_regression_savedmodel', 'all', None, None),
    'cppflow_all': ('cppflow_load_model/model', 'all', None, None),
    'hp2_mlmd_all': ('serving_saved_model_half_plus_two_mlmd/00000123', 'all', None, None),
    'hp2_2v_base_all': ('serving_saved_model_half_plus_two_2_versions/00000124', 'all', None, None),
}

OPS_LINE = re.compile(r"^(The MetaGraph with tag set .* contains the following ops: )(\{.*\}|set\(\))$")


OPTION = re.compile(r'^    Option #\d+$')


def sort_options(lines):
    out, i = [], 0
    while i < len(lines):
        if not OPTION.match(lines[i]):
            out.append(lines[i])
            i += 1
            continue
        blocks = []
        while i < len(lines) and OPTION.match(lines[i]):
            j = i + 1
            while j < len(lines) and lines[j].startswith('      '):
                j += 1
            blocks.append(lines[i + 1:j])
            i = j
        for n, b in enumerate(sorted(blocks), 1):
            out.append('    Option #%d' % n)
            out.extend(b)
    return out


def normalise(text):
    lines = []
    for line in text.split('\n'):
        m = OPS_LINE.match(line)
        if m:
            ops = set() if m.group(2) == 'set()' else ast.literal_eval(m.group(2))
            line = m.group(1) + (repr(sorted(ops)) if ops else 'set()')
        lines.append(line)
    return '\n'.join(sort_options(lines))


def reference(model, mode, tag_set, sig):
    d = os.path.join(MODELS, model)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        if mode == 'all':
            smc._show_all(d)
        elif mode == 'tags':
            smc._show_tag_sets(d)
        elif mode == 'keys':
            smc._show_signature_def_map_keys(d, tag_set)
        elif mode == 'ops':
            smc._show_ops_in_metagraph(d, tag_set)
            smc._show_signature_def_map_keys(d, tag_set)
        else:
            smc._show_inputs_outputs(d, tag_set, sig)
    return out.getvalue()


def ours(binary, model, mode, tag_set, sig, base=None):
    args = [binary, 'show', os.path.join(MODELS, base or model)]
    if mode == 'all':
        args.append('--all')
    if tag_set:
        args += ['--tag_set', tag_set]
    if sig:
        args += ['--signature_def', sig]
    if mode == 'ops':
        args.append('--list_ops')
    text = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    if mode == 'all':
        text = text[:text.rindex('\nVariables:')]
    return text


def main():
    binary = sys.argv[1]
    only = sys.argv[2:]
    bad = 0
    for name, (model, mode, tag_set, sig) in CASES.items():
        if only and name not in only:
            continue
        base = 'serving_saved_model_half_plus_two_2_versions' if name == 'hp2_2v_base_all' else None
        want = normalise(reference(model, mode, tag_set, sig))
        got = normalise(ours(binary, model, mode, tag_set, sig, base))
        if want == got:
            print('OK  ', name)
        else:
            bad += 1
            print('DIFF', name)
            sys.stdout.writelines(difflib.unified_diff(want.splitlines(True), got.splitlines(True), 'saved_model_cli', 'tfscope'))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
