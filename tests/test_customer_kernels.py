"""The customer's fp32 linears on oneDNN: chosen from the build and the environment, same answers."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from trainer.customer.kernels import pack_linears, pick_kernels


def test_fp32_uses_onednn_where_torch_has_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EMPATHY_TRAINER_KERNELS", raising=False)
    assert pick_kernels("fp32", available=True) == "onednn"
    assert pick_kernels("fp32", available=False) == "eager"
    # bf16 runs only where it is native, and nobody measured oneDNN there.
    assert pick_kernels("bf16", available=True) == "eager"


def test_environment_can_turn_the_swap_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMPATHY_TRAINER_KERNELS", " Eager ")
    assert pick_kernels("fp32", available=True) == "eager"
    monkeypatch.setenv("EMPATHY_TRAINER_KERNELS", "onednn")
    assert pick_kernels("fp32", available=False) == "eager", "cannot force what is missing"


class _Tiny(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.up = nn.Linear(16, 48)
        self.block = nn.Sequential(nn.Linear(48, 48, bias=False), nn.GELU())
        self.head = nn.Linear(48, 100, bias=False)
        self.norm = nn.LayerNorm(16)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.block(self.up(self.norm(x))))


@pytest.mark.skipif(not torch.backends.mkldnn.is_available(), reason="torch built without oneDNN")
@pytest.mark.parametrize("shape", [(1, 16), (3, 16), (2, 7, 16)], ids=["one-row", "three", "3d"])
def test_packed_model_gives_the_eager_answers(shape: tuple[int, ...]) -> None:
    torch.manual_seed(0)
    model = _Tiny().eval()
    x = torch.randn(*shape)
    with torch.inference_mode():
        expected = model(x)
    norm_memory = model.norm.weight.data_ptr()
    assert pack_linears(model) == 3, "every nn.Linear, the bias-free head too; not the norm"
    # What stays unpacked is copied off the loaded storage (the weights file's memory map).
    assert model.norm.weight.data_ptr() != norm_memory
    assert "onednn" in repr(model.head)
    assert isinstance(model.norm, nn.LayerNorm)
    with torch.inference_mode():
        got = model(x)
    assert got.shape == expected.shape
    assert torch.allclose(got, expected, atol=1e-4), float((got - expected).abs().max())
    # The opaque packed weight is not a parameter: state_dict and counts stay loadable.
    assert all(not k.endswith("packed") for k in model.state_dict())


def test_non_fp32_linears_are_left_alone() -> None:
    model = _Tiny().to(torch.bfloat16)
    assert pack_linears(model) == 0
    assert type(model.head) is nn.Linear
