"""The Kubernetes manifests in deploy/kubernetes/ run commands the real CLI accepts, and agree
with each other and with deploy/Dockerfile: the worker joins the master's Service, the master
expects as many workers as the Deployment runs, the ports and mounts match, and the wrapper that
keeps the master's run directory passes its command's exit code and signals on
(docs/distributed.md)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from simspace.cli.distributed import master_settings
from simspace.cli.main import cli
from simspace.run.worker import check_master_host, parse_master
from simspace.scenario.loader import load_scenario
from simspace.wire.load_config import MasterSettings

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
MANIFESTS = DEPLOY / "kubernetes"
KEEP_RUN_DIR = DEPLOY / "keep-run-dir.sh"
SCENARIO_SOURCE = ROOT / "scenarios" / "ci_smoke.yaml"

Manifest = dict[str, Any]
_COMPONENT = "app.kubernetes.io/component"


def _manifests() -> list[Manifest]:
    documents = []
    for path in sorted(MANIFESTS.glob("*.yaml")):
        documents += [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
    return documents


def _one(kind: str, component: str | None = None) -> Manifest:
    found = [
        doc
        for doc in _manifests()
        if doc["kind"] == kind
        and (component is None or doc["metadata"]["labels"].get(_COMPONENT) == component)
    ]
    assert len(found) == 1, f"expected one {kind} {component or ''}, found {len(found)}"
    return found[0]


def _pod(workload: Manifest) -> Manifest:
    pod: Manifest = workload["spec"]["template"]
    return pod


def _container(workload: Manifest) -> Manifest:
    (container,) = _pod(workload)["spec"]["containers"]
    return dict(container)


def _argv(container: Manifest) -> list[str]:
    return [str(word) for word in [*container.get("command", []), *container.get("args", [])]]


def _simspace_argv(container: Manifest) -> list[str]:
    """The `simspace ...` command a container runs (after a wrapper such as keep-run-dir)."""
    argv = _argv(container)
    assert "simspace" in argv, f"no simspace command in {argv}"
    return argv[argv.index("simspace") :]


def _parse(argv: list[str]) -> click.Context:
    """`simspace SUBCOMMAND ...` parsed by the real click commands (raises click.UsageError for
    an unknown subcommand or option, or a bad value); nothing is run."""
    assert argv[0] == "simspace"
    group = cli.make_context("simspace", argv[1:2], resilient_parsing=True)
    command = cli.get_command(group, argv[1])
    if command is None:
        raise click.UsageError(f"no such command {argv[1]!r}")
    return command.make_context(argv[1], argv[2:], parent=group)


def _master_settings() -> MasterSettings:
    ctx = _parse(_simspace_argv(_container(_one("Job", "master"))))
    assert ctx.info_name == "run"
    settings = master_settings(ctx, engine=ctx.params["engine"], workers=ctx.params["workers"],
                               allow_remote=ctx.params["allow_remote"])  # fmt: skip
    assert settings is not None, "the master Job does not run `simspace run --master`"
    return settings


def _service_port(name: str) -> Manifest:
    service = _one("Service")
    ports = {port["name"]: port for port in service["spec"]["ports"]}
    assert name in ports, f"the Service has no port {name!r}"
    return dict(ports[name])


def _container_port(workload: Manifest, name: str) -> int:
    ports = {p["name"]: p["containerPort"] for p in _container(workload).get("ports", [])}
    assert name in ports, f"{workload['metadata']['name']} declares no port {name!r}"
    return int(ports[name])


def test_every_simspace_command_is_one_the_cli_accepts() -> None:
    workloads = [_one("Job", "master"), _one("Deployment", "worker")]
    for workload in workloads:
        _parse(_simspace_argv(_container(workload)))  # raises on an unknown option


def test_the_check_catches_a_misspelled_option_or_command() -> None:
    with pytest.raises(click.NoSuchOption):
        _parse(["simspace", "worker", "--mastr", "simspace-master:5557"])
    with pytest.raises(click.NoSuchOption):
        _parse(["simspace", "run", "x.yaml", "--master", "--expect-worker", "2"])
    with pytest.raises(click.BadParameter):
        _parse(["simspace", "run", "x.yaml", "--master", "--expect-workers", "two"])
    with pytest.raises(click.UsageError):
        _parse(["simspace", "wroker", "--master", "simspace-master:5557"])


def test_the_master_runs_a_distributed_run_the_workers_can_reach() -> None:
    settings = _master_settings()
    assert settings.bind_host == "0.0.0.0"  # the workers come from other pods
    assert settings.stub_host == "$(POD_IP)"  # bindable, and reachable pod to pod
    master = _one("Job", "master")
    env = {e["name"]: e for e in _container(master).get("env", [])}
    assert env["POD_IP"]["valueFrom"]["fieldRef"]["fieldPath"] == "status.podIP"
    for word in _argv(_container(master)):  # every $(VAR) Kubernetes expands is defined
        assert set(re.findall(r"\$\((\w+)\)", word)) <= set(env), word
    assert _container_port(master, "stub") == settings.stub_port


def test_the_worker_joins_the_master_service() -> None:
    ctx = _parse(_simspace_argv(_container(_one("Deployment", "worker"))))
    assert ctx.info_name == "worker"
    host, port = parse_master(ctx.params["master_address"])
    check_master_host(host, allow_remote=ctx.params["allow_remote"])  # raises without the opt-in
    service = _one("Service")
    assert host.split(".")[0] == service["metadata"]["name"]
    assert port == _service_port("locust-master")["port"]


def test_the_master_port_is_the_service_s() -> None:
    settings = _master_settings()
    master = _one("Job", "master")
    service_port = _service_port("locust-master")
    assert service_port["targetPort"] in ("locust-master", settings.port)
    assert _container_port(master, "locust-master") == settings.port


def test_the_master_expects_as_many_workers_as_the_deployment_runs() -> None:
    assert _master_settings().expect_workers == _one("Deployment", "worker")["spec"]["replicas"]


def _labels(workload: Manifest) -> set[tuple[str, str]]:
    return set(_pod(workload)["metadata"]["labels"].items())


def test_the_service_selects_the_master_pod_only() -> None:
    selector = set(_one("Service")["spec"]["selector"].items())
    worker = _one("Deployment", "worker")
    assert selector <= _labels(_one("Job", "master"))
    assert not selector <= _labels(worker)
    assert set(worker["spec"]["selector"]["matchLabels"].items()) <= _labels(worker)


def test_the_master_reads_the_mounted_scenario_and_writes_to_a_volume() -> None:
    master = _one("Job", "master")
    ctx = _parse(_simspace_argv(_container(master)))
    mounts = {m["name"]: m["mountPath"] for m in _container(master)["volumeMounts"]}
    volumes = {v["name"]: v for v in _pod(master)["spec"]["volumes"]}
    scenario = Path(ctx.params["scenario"])
    (mount,) = [name for name, path in mounts.items() if scenario.parent == Path(path)]
    config_map = _one("ConfigMap")
    assert volumes[mount]["configMap"]["name"] == config_map["metadata"]["name"]
    assert scenario.name in config_map["data"]
    assert ctx.params["output"] in mounts.values()


def test_the_shipped_scenario_is_the_smoke_scenario_and_loads(tmp_path: Path) -> None:
    text = _one("ConfigMap")["data"]["scenario.yaml"]
    assert text == SCENARIO_SOURCE.read_text(encoding="utf-8"), (
        "scenario-configmap.yaml no longer holds scenarios/ci_smoke.yaml: embed it again"
    )
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_scenario(path).scenario.event.name == "ci_smoke"


def test_the_image_has_what_the_manifests_run() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    copies = re.findall(r"^COPY (.+) (\S+)$", dockerfile, re.M)
    for sources, _ in copies:
        for source in sources.split():
            assert (ROOT / source).exists(), f"the Dockerfile copies {source}, which is missing"
    installed = {Path(target).name for _, target in copies if target.startswith("/usr/local/bin")}
    images = set()
    for workload in (_one("Job", "master"), _one("Deployment", "worker")):
        container = _container(workload)
        images.add(container["image"])
        assert _argv(container)[0] in {"simspace", *installed}
    assert len(images) == 1  # the master and its workers run the same simspace and Locust


def _keep_run_dir(*command: str) -> subprocess.Popen[str]:
    """The wrapper in a process group of its own, which the test ends whatever happens."""
    env = {**os.environ, "KEEP_RUN_DIR_S": "0"}
    return subprocess.Popen(["sh", str(KEEP_RUN_DIR), *command], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)  # fmt: skip


def _end_group(wrapper: subprocess.Popen[str]) -> None:
    """The wrapper outlives its command: while it runs, its group (its own pid) is ours."""
    if wrapper.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(wrapper.pid, signal.SIGKILL)
    wrapper.communicate(timeout=30)


def test_keep_run_dir_exits_with_the_command_s_code() -> None:
    wrapper = _keep_run_dir("sh", "-c", "exit 3")
    try:
        _, stderr = wrapper.communicate(timeout=30)
    finally:
        _end_group(wrapper)
    assert wrapper.returncode == 3
    assert "exited with code 3" in stderr


def test_keep_run_dir_passes_sigterm_on_to_the_command() -> None:
    child = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGTERM, lambda *_: sys.exit(7))\n"
        "print('ready', flush=True)\n"
        "time.sleep(120)\n"
    )
    wrapper = _keep_run_dir(sys.executable, "-c", child)
    try:
        assert wrapper.stdout is not None
        assert wrapper.stdout.readline().strip() == "ready"
        wrapper.send_signal(signal.SIGTERM)  # to the wrapper alone, as Kubernetes does
        wrapper.wait(timeout=30)
    finally:
        _end_group(wrapper)
    assert wrapper.returncode == 7  # the command stopped on the signal, its code passed on
