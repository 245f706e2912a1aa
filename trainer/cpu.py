"""What this CPU can do fast, and the one lock every torch user in the process shares.

bf16 is native only with AVX512-BF16 or AMX; elsewhere (most laptops: AVX2/FMA) torch emulates
it and it is slower than fp32: a 304-token prefill of the customer model took 6.0 s in bf16
against 1.6 s in fp32 on a 2-vCPU AVX2 EPYC. So the dtype is chosen from the flags at run time.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Iterator
from pathlib import Path

NATIVE_BF16_FLAGS = ("avx512_bf16", "amx_bf16")
REPORTED_FLAGS = ("avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "amx_bf16", "amx_tile")
DTYPES = ("fp32", "bf16")


@functools.cache
def cpu_flags() -> frozenset[str]:
    """The CPU's feature flags from /proc/cpuinfo (empty where there is none)."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        if line.startswith("flags"):
            return frozenset(line.partition(":")[2].split())
    return frozenset()


@functools.cache
def cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "unknown"
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.partition(":")[2].strip()
    return "unknown"


def native_bf16(flags: frozenset[str] | None = None) -> bool:
    flags = cpu_flags() if flags is None else flags
    return any(f in flags for f in NATIVE_BF16_FLAGS)


def pick_dtype(override_var: str | None = None, flags: frozenset[str] | None = None) -> str:
    """ "bf16" where the CPU has native bf16, else "fp32".

    EMPATHY_TRAINER_DTYPE overrides for every model; `override_var` (e.g.
    EMPATHY_TRAINER_GRADER_DTYPE) overrides for one and wins over the general one.
    """
    for var in (override_var, "EMPATHY_TRAINER_DTYPE"):
        forced = os.environ.get(var, "").strip().lower() if var else ""
        if forced in DTYPES:
            return forced
    return "bf16" if native_bf16(flags) else "fp32"


def cpu_report() -> dict[str, object]:
    """The CPU and the flags that decided the dtype (for `bench ... --json`)."""
    flags = cpu_flags()
    return {
        "model": cpu_model(),
        "cores": os.cpu_count() or 1,
        "flags": [f for f in REPORTED_FLAGS if f in flags],
        "native_bf16": native_bf16(flags),
    }


# torch.set_num_threads is process-wide (OpenMP, MKL and the thread a new worker inherits), so
# every torch user in the process that changes it must hold this lock for as long as it runs
# on its count: otherwise the grader's switch to one thread could land in the middle of the
# customer's generate in another thread. Re-entrant so a holder may encode inside its block.
TORCH_LOCK = threading.RLock()


@contextlib.contextmanager
def torch_threads(n: int | None = None) -> Iterator[None]:
    """Run torch work with `n` intra-op threads (None: as set), restoring the old count after.

    Holds TORCH_LOCK for the whole block: the grader's encodes and the customer's generate
    take turns instead of changing the thread count under each other's feet.
    """
    with TORCH_LOCK:
        if n is None:
            yield
            return
        import torch

        old = torch.get_num_threads()
        if old != n:
            torch.set_num_threads(n)
        try:
            yield
        finally:
            if old != n:
                torch.set_num_threads(old)
