"""deploy/kubernetes/: the Zero to JupyterHub values parse, the image is the lock, the paths agree."""
from __future__ import annotations

import re
import sys

import yaml
from traitlets.config.loader import PyFileConfigLoader

from grader import paths
from grader.autograding import COURSE_ID

K8S = paths.ROOT / "deploy" / "kubernetes"
CHART_HUB = {"4.3.3": "5.4.4"}  # Zero to JupyterHub chart -> the JupyterHub its hub image runs


def _values() -> dict:
    return yaml.safe_load((K8S / "values.yaml").read_text())


def _lock() -> dict[str, str]:
    pins = {}
    for line in (paths.ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[name.lower().replace("_", "-")] = version.strip()
    return pins


def _image_config():
    loader = PyFileConfigLoader("nbgrader_config.py", path=str(K8S))
    return loader.load_config()


def test_values_parse_and_name_the_parts():
    v = _values()
    assert v["hub"]["config"]["JupyterHub"]["authenticator_class"] == "nativeauthenticator.NativeAuthenticator"
    assert v["hub"]["db"]["type"] == "postgres" and v["hub"]["db"]["url"].startswith("postgresql+psycopg2://")
    assert "trainers" in v["hub"]["config"]["JupyterHub"]["load_groups"]
    for name, code in v["hub"]["extraConfig"].items():
        compile(code, name, "exec")  # the hub's extra configuration is valid Python
    su = v["singleuser"]
    assert su["image"]["name"] and re.fullmatch(r"\d+\.\d+\.\d+", str(su["image"]["tag"]))
    assert su["memory"]["limit"] and su["cpu"]["limit"]


def test_chart_and_image_pins_match_the_lock():
    lock = _lock()
    chart = re.search(r"--version (\S+)", (K8S / "values.yaml").read_text()).group(1)
    hub_version = CHART_HUB[chart]
    assert lock["jupyterhub"].split(".")[:2] == hub_version.split(".")[:2], \
        "the learner image's jupyterhub must be the chart's series"
    docker = (K8S / "Dockerfile").read_text()
    base = re.search(r"^FROM python:(\d+)\.(\d+)\.(\d+)-slim", docker, re.M)
    assert base, "the image starts from a pinned Python"
    assert (int(base[1]), int(base[2])) == sys.version_info[:2]
    assert (int(base[1]), int(base[2]), int(base[3])) >= (3, 11, 5)  # soupsieve in the lock needs it
    assert "COPY requirements.lock" in docker
    assert re.search(r"pip install --no-cache-dir --no-deps -r /tmp/requirements.lock", docker)
    make_pip = re.search(r'"pip==([\d.]+)"', (paths.ROOT / "Makefile").read_text())[1]
    assert f'"pip=={make_pip}"' in docker
    for line in re.findall(r"pip install [^\\&\n]*", docker):  # nothing installed outside the lock
        assert ("--no-deps" in line and ("-r /tmp/requirements.lock" in line or "-e /opt/academy" in line)) \
            or line.strip().endswith(f'"pip=={make_pip}"'), line
    ignore = (K8S / "Dockerfile.dockerignore").read_text().split()
    assert "solutions/" in ignore, "hidden tests must never be in the learners' image"


def test_paths_agree_with_nbgrader_config():
    v = _values()
    course_cfg = PyFileConfigLoader(paths.NBGRADER_CONFIG.name, path=str(paths.ROOT)).load_config()
    image = _image_config()
    assert course_cfg.CourseDirectory.course_id == image.CourseDirectory.course_id == COURSE_ID
    mounts = {m["name"]: m["mountPath"] for m in v["singleuser"]["storage"]["extraVolumeMounts"]}
    assert mounts["exchange"] == image.Exchange.root
    claims = {x["name"]: x["persistentVolumeClaim"]["claimName"]
              for x in v["singleuser"]["storage"]["extraVolumes"]}
    volumes = {x["name"]: x for x in v["custom"]["academyVolumes"]}
    assert volumes[claims["exchange"]]["mountPath"] == image.Exchange.root
    assert volumes[claims["exchange"]]["accessModes"] == ["ReadWriteMany"]
    hook = v["hub"]["extraConfig"]["academy-roles"]
    course_mount = re.search(r'"mountPath": "([^"]+)"', hook)[1]
    assert course_mount == image.CourseDirectory.root == volumes["academy-course"]["mountPath"]
    assert volumes["academy-course"]["accessModes"] == ["ReadWriteMany"]
    assert image.CourseDirectory.release_directory.startswith(image.CourseDirectory.root)
    assert image.CourseDirectory.source_directory.startswith(image.CourseDirectory.root)
    assert "/etc/academy/learner" in hook and "write_role_config(Path('/etc/academy/learner')" in \
        (K8S / "Dockerfile").read_text()
