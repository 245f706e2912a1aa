"""Faster fp32 linears for the customer model: oneDNN weights packed once, at load.

A customer line is decoded one token at a time for 1-3 candidate rows, and 70-78% of that time
is nn.Linear on a [1-3, hidden] input. Eager torch sends those to MKL's sgemm, which on a 2-vCPU
AVX2 EPYC ran 17-19 tok/s for one row and 8-9 for three: the small-M path re-reads the weights
in a layout made for large batches. oneDNN's linear with the weight reordered once for small
batches ran the same model at 20-22 tok/s for one row and 18-20 for three, with the same top
token as eager fp32 at every position of the bench transcript, and prefill no slower.

Only fp32 is swapped: bf16 (chosen only where the CPU has it natively) keeps torch's own kernels,
since no machine with native bf16 was at hand to measure it. EMPATHY_TRAINER_KERNELS=eager turns
the swap off (a torch build without oneDNN falls back by itself).
"""

from __future__ import annotations

import os
from typing import Any

KERNEL_CHOICES = ("onednn", "eager")

PACK_BATCH = 3
"""The batch size oneDNN lays the weights out for. The layout is a hint, not a limit; one row,
five candidate rows and a 300-token prefill run on it at full speed too (a layout for five rows
measured no different within this host's ±20% run-to-run noise, 2026-12-03)."""


def pick_kernels(dtype: str, available: bool | None = None) -> str:
    """ "onednn" for fp32 where torch has oneDNN, else "eager"; EMPATHY_TRAINER_KERNELS overrides
    towards eager only (oneDNN cannot be forced where it is missing)."""
    forced = os.environ.get("EMPATHY_TRAINER_KERNELS", "").strip().lower()
    if forced == "eager" or dtype != "fp32":
        return "eager"
    if available is None:
        import torch

        available = bool(torch.backends.mkldnn.is_available())
    return "onednn" if available else "eager"


def _packed_linear_class() -> type:
    import torch
    from torch import nn

    class PackedLinear(nn.Module):
        """nn.Linear whose weight oneDNN reordered once; forward is one oneDNN call."""

        def __init__(self, linear: nn.Linear):
            super().__init__()
            self.in_features = linear.in_features
            self.out_features = linear.out_features
            weight = linear.weight.detach().contiguous()
            # A plain attribute, not a parameter or buffer: the reordered tensor is opaque
            # (no strides), so state_dict, .to() and parameter counts must not see it.
            self.packed = torch.ops.mkldnn._reorder_linear_weight(weight, batch_size=PACK_BATCH)
            self.bias = None if linear.bias is None else nn.Parameter(linear.bias.detach())

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.ops.mkldnn._linear_pointwise(x, self.packed, self.bias, "none", [], "")

        def extra_repr(self) -> str:
            return f"in_features={self.in_features}, out_features={self.out_features}, onednn"

    return PackedLinear


def pack_linears(model: Any) -> int:
    """Swap every fp32 nn.Linear of `model` (lm_head included) for its packed twin, in place.

    Returns how many were swapped. A tied lm_head keeps the embedding's weight where it is;
    the packed copy is the extra memory (vocab x hidden floats).
    """
    import torch
    from torch import nn

    packed_cls = _packed_linear_class()
    targets = [
        (name, module)
        for name, module in model.named_modules()
        if type(module) is nn.Linear and module.weight.dtype == torch.float32
    ]
    for name, module in targets:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        setattr(parent, child, packed_cls(module))
    if targets:
        _own_the_rest(model)
    return len(targets)


def _own_the_rest(model: Any) -> None:
    """Copy what was not packed (embeddings, norms) out of the weights file's memory map.

    safetensors loads every tensor as a view of one mapping of the file. Packing reads all of
    it, so its pages stay resident for as long as any view lives, and the embedding alone kept
    the whole 513 MB file in RSS beside the packed copy (1434 MB against 426 eager after load).
    Once nothing points into it, the mapping is closed.
    """
    import torch

    with torch.no_grad():
        for tensor in [*model.parameters(), *model.buffers()]:
            tensor.data = tensor.data.clone()
