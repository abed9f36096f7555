"""`simspace init` and `simspace locustfile` through the CLI's entry point: what they write, what
they refuse, and that the starter scenario validates and runs."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from simspace.cli import authoring
from simspace.cli.main import main
from simspace.scenario.loader import load_scenario
from simspace.scenario.schema import SCHEMA_FILE
from simspace.wire.load_config import CONFIG_ENV, LoadConfig
from tests.target.origin import free_port

ROOT = Path(__file__).parents[2]
SMOKE = ROOT / "scenarios" / "ci_smoke.yaml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def _schema_named_by(scenario: Path) -> Path:
    first = scenario.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    return scenario.parent / first.removeprefix(prefix)


def test_init_writes_a_starter_that_loads_and_names_the_schema_relatively(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "init")
    assert code == 0, err
    written = tmp_path / "scenario.yaml"
    assert "simspace run scenario.yaml --engine virtual" in out
    assert not Path(written.read_text(encoding="utf-8").split("$schema=")[1]).is_absolute()
    assert _schema_named_by(written).resolve() == SCHEMA_FILE.resolve()
    loaded = load_scenario(written)
    assert loaded.scenario.event.name == "my_event"
    assert set(loaded.scenario.variants) == {"as_sized", "small_api"}
    load_scenario(written, "small_api")


def test_init_labels_every_invented_number_a_hypothesis() -> None:
    lines = authoring.STARTER.read_text(encoding="utf-8").splitlines()
    for section in ("points:", "listening_time:", "client:", "speakers:", "tiers:", "reported:"):
        at = next(i for i, line in enumerate(lines) if line.lstrip().startswith(section))
        assert "HYPOTHESIS" in lines[at] + lines[at + 1] + lines[at - 1], section


def test_init_refuses_to_overwrite_without_force(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("my work\n", encoding="utf-8")
    code, _, err = run(capsys, "init", str(target))
    assert code == 2
    assert f"{target}: already exists; pass --force" in " ".join(err.split())
    assert target.read_text(encoding="utf-8") == "my work\n"
    code, _, err = run(capsys, "init", str(target), "--force")
    assert code == 0, err
    load_scenario(target)


def test_init_creates_directories_and_points_up_to_the_schema(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "a" / "b" / "event.yaml"
    assert run(capsys, "init", str(target))[0] == 0
    assert _schema_named_by(target).resolve() == SCHEMA_FILE.resolve()


def test_the_schema_line_is_absolute_across_drives(monkeypatch: pytest.MonkeyPatch) -> None:
    def other_drive(path: str, start: str) -> str:
        raise ValueError("path is on mount 'D:', start on mount 'C:'")

    monkeypatch.setattr(os.path, "relpath", other_drive)
    line = authoring.language_server_line(Path("scenario.yaml"))
    assert line == f"# yaml-language-server: $schema={SCHEMA_FILE.resolve().as_posix()}\n"


@pytest.mark.slow
def test_the_starter_runs_and_passes_in_virtual_time(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    scenario = tmp_path / "scenario.yaml"
    assert run(capsys, "init", str(scenario))[0] == 0
    code, out, err = run(capsys, "validate", str(scenario))
    assert code == 0, err
    assert f"ok {scenario}" in out
    output = tmp_path / "runs"
    code, _, err = run(capsys, "run", str(scenario), "--engine", "virtual",
                       "--output", str(output))  # fmt: skip
    assert code == 0, err
    result = json.loads(next(output.glob("my_event/*/result.json")).read_text(encoding="utf-8"))
    assert result["status"] == "completed"


class _Clock(BaseHTTPRequestHandler):
    """A stand-in for `simspace serve`'s /_sim/clock (set `doc` on the server)."""

    def do_GET(self) -> None:
        doc = getattr(self.server, "doc", {})
        body = json.dumps(doc).encode() if self.path == "/_sim/clock" else b"{}"
        self.send_response(200 if self.path == "/_sim/clock" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def stub() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Clock)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _url(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def _set_clock(server: ThreadingHTTPServer, t_begin: float, speedup: float, now_t: float) -> None:
    server.doc = {  # type: ignore[attr-defined]
        "wall0": time.time(), "t_begin": t_begin, "speedup": speedup, "t": now_t,
    }  # fmt: skip


def test_locustfile_writes_a_config_on_the_stubs_clock(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, stub: ThreadingHTTPServer
) -> None:
    _set_clock(stub, t_begin=-120.0, speedup=2.0, now_t=-100.0)
    out_dir = tmp_path / "load"
    code, out, err = run(capsys, "locustfile", str(SMOKE), "-o", str(out_dir),
                         "--host", _url(stub), "--workers", "2")  # fmt: skip
    assert code == 0, err
    text = (out_dir / "load-config.json").read_text(encoding="utf-8")
    config = LoadConfig.model_validate_json(text)
    assert LoadConfig.model_validate_json(config.model_dump_json()) == config
    assert (config.t_begin, config.speedup, config.wall0) == (-120.0, 2.0, stub.doc["wall0"])  # type: ignore[attr-defined]
    assert config.plan.speedup == 2.0
    assert config.plan.scenario == "ci_smoke"
    assert config.workers == 2
    assert config.target is None
    assert config.send_weights
    assert Path(config.observations_dir) == (out_dir / "observations").resolve()
    assert Path(config.observations_dir).is_dir()
    command = f"locust -f {out_dir / 'locustfile.py'} --host {_url(stub)} --processes 2"
    assert command in out
    assert f"{command} --headless -t 5m" in out


def test_the_written_locustfile_names_its_config_and_imports_the_classes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, stub: ThreadingHTTPServer
) -> None:
    _set_clock(stub, t_begin=-120.0, speedup=1.0, now_t=-120.0)
    assert run(capsys, "locustfile", str(SMOKE), "-o", str(tmp_path), "--host", _url(stub))[0] == 0
    source = (tmp_path / "locustfile.py").read_text(encoding="utf-8")
    namespace: dict[str, Any] = {"__file__": str(tmp_path / "locustfile.py")}
    head = source.split("from simspace.load.locustfile")[0]  # all but the import of locust
    exec(compile(head, "locustfile.py", "exec"), namespace)
    assert os.environ.pop(CONFIG_ENV) == str(tmp_path / "load-config.json")
    assert "from simspace.load.locustfile import ArrivalShape, ListenerUser" in source


def test_locustfile_rewrites_its_own_file_but_not_anothers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, stub: ThreadingHTTPServer
) -> None:
    _set_clock(stub, t_begin=-120.0, speedup=1.0, now_t=-60.0)
    args = ["locustfile", str(SMOKE), "-o", str(tmp_path), "--host", _url(stub)]
    assert run(capsys, *args)[0] == 0
    assert run(capsys, *args)[0] == 0  # written again after a server restart
    (tmp_path / "locustfile.py").write_text("# my own load test\n", encoding="utf-8")
    code, _, err = run(capsys, *args)
    assert code == 2
    assert "was not written by simspace; pass --force" in " ".join(err.split())
    assert (tmp_path / "locustfile.py").read_text(encoding="utf-8") == "# my own load test\n"
    assert run(capsys, *args, "--force")[0] == 0


def test_locustfile_refuses_a_stub_past_the_window(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, stub: ThreadingHTTPServer
) -> None:
    _set_clock(stub, t_begin=-120.0, speedup=1.0, now_t=900.0)  # the window ends at +10m
    code, _, err = run(capsys, "locustfile", str(SMOKE), "-o", str(tmp_path), "--host", _url(stub))
    assert code == 2
    assert "past the window's end +10m: restart `simspace serve`" in " ".join(err.split())
    assert not (tmp_path / "load-config.json").exists()


def test_locustfile_needs_a_running_stub(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    host = f"http://127.0.0.1:{free_port()}"
    code, _, err = run(capsys, "locustfile", str(SMOKE), "-o", str(tmp_path), "--host", host)
    assert code == 2
    assert f"no simspace stub answers at {host}/_sim/clock" in " ".join(err.split())


@pytest.mark.parametrize(
    ("host", "message"),
    [("http://203.0.113.5:8000", "not a loopback address"),
     ("127.0.0.1:8000", "expected the stub's URL")],
)  # fmt: skip
def test_locustfile_refuses_a_remote_or_malformed_host(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, host: str, message: str
) -> None:
    code, _, err = run(capsys, "locustfile", str(SMOKE), "-o", str(tmp_path), "--host", host)
    assert code == 2
    assert message in " ".join(err.split())
