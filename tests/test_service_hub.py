"""The grading service inside a real JupyterHub (DummyAuthenticator, its proxy
configurable-http-proxy from npm), on loopback ports, started and stopped by the test:
the hub starts the service from ``add_grading_service``; hub users' own tokens submit
through the hub's proxy; members of the instructor group see the class, others their own."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from autograder.frontends import submit

ROOT = Path(__file__).resolve().parent.parent
ALICE = ROOT / "tests" / "sample_class" / "alice" / "01_conv_basics" / "conv_basics.ipynb"
ADMIN_TOKEN = "test-admin-token-" + os.urandom(8).hex()


def _ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


CONFIG = """
from autograder.service.hub import add_grading_service

c.JupyterHub.bind_url = "http://127.0.0.1:{public}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy}"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allowed_users = {{"alice", "bob", "prof"}}
c.JupyterHub.db_url = "sqlite:///{folder}/hub.sqlite"
c.JupyterHub.cookie_secret_file = "{folder}/cookie_secret"
c.ConfigurableHTTPProxy.pid_file = "{folder}/proxy.pid"
c.JupyterHub.load_groups = {{"teachers": {{"users": ["prof"]}}}}
add_grading_service(
    c,
    port={service},
    db="sqlite:///{folder}/service.db",
    instructor_group="teachers",
    args=("--workers", "1", "--cell-seconds", "20"),
    environment={{"PYTHONPATH": "{root}", "AUTOGRADER_CACHE": "{cache}"}},
)
c.JupyterHub.services.append({{"name": "tester", "api_token": "{admin}"}})
c.JupyterHub.load_roles.append({{"name": "tester", "services": ["tester"], "scopes": ["admin:users", "tokens", "groups"]}})
"""


def _get(url: str, token: str, body: bytes | None = None) -> tuple[int, dict | str]:
    request = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")
    request.add_header("Authorization", f"token {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        status, text = err.code, err.read().decode()
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("hub")
    if shutil.which("configurable-http-proxy") is None:
        pytest.skip("JupyterHub's proxy is not installed (npm install -g configurable-http-proxy)")
    public, hub_port, proxy, service = _ports(4)
    (tmp_path / "jupyterhub_config.py").write_text(
        CONFIG.format(
            public=public,
            hub=hub_port,
            proxy=proxy,
            service=service,
            folder=tmp_path,
            root=ROOT,
            cache=os.environ["AUTOGRADER_CACHE"],
            admin=ADMIN_TOKEN,
        )
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    log = open(tmp_path / "hub.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(tmp_path / "jupyterhub_config.py")],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{public}"
    started: set[int] = {process.pid}
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:  # the hub answers, and so does the service through its proxy
            assert process.poll() is None, (tmp_path / "hub.log").read_text()[-4000:]
            try:
                started |= {p.pid for p in psutil.Process(process.pid).children(recursive=True)}
            except psutil.NoSuchProcess:
                pass
            try:
                urllib.request.urlopen(f"{url}/services/grading/api/submissions", timeout=2)
            except urllib.error.HTTPError as err:
                if err.code in (401, 403):
                    break
            except OSError:
                pass
            time.sleep(0.3)
        else:
            raise AssertionError(
                "the hub and its grading service did not start:\n" + (tmp_path / "hub.log").read_text()[-4000:]
            )
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        deadline = time.monotonic() + 30
        alive = [psutil.Process(p) for p in started if psutil.pid_exists(p)]
        while alive and time.monotonic() < deadline:
            alive = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
            time.sleep(0.2)
        for p in alive:
            p.kill()
        assert not alive, f"processes outlived the hub: {alive}"


def _user_token(hub: str, user: str) -> str:
    status, made = _get(f"{hub}/hub/api/users/{user}/tokens", ADMIN_TOKEN, json.dumps({"note": "test"}).encode())
    assert status == 201, made
    return made["token"]


@pytest.mark.slow
def test_hub_users_submit_with_their_hub_tokens_and_the_instructor_group_sees_the_class(hub):
    service = f"{hub}/services/grading/"
    alice, bob, prof = (_user_token(hub, user) for user in ("alice", "bob", "prof"))
    assert _get(f"{service}api/submissions", "not-a-hub-token")[0] in (401, 403)

    outcome = submit.send(ALICE, service, alice)
    assert outcome.code == submit.GRADED, outcome.reason
    answer = outcome.answer
    assert answer["student"] == "alice" and answer["assignment"] == "01_conv_basics"
    assert answer["score_visible"] == answer["max_visible"] > 0 and answer["attempts_left"] == 4

    status, bobs = _get(f"{service}api/submissions", bob)
    assert status == 200 and bobs["submissions"] == []
    assert _get(f"{service}api/submissions/{answer['id']}", bob)[0] == 404
    assert _get(f"{service}grades.csv", bob)[0] == 403
    status, everyone = _get(f"{service}api/submissions", prof)  # prof is in the hub group "teachers"
    assert status == 200 and [s["student"] for s in everyone["submissions"]] == ["alice"]
    status, text = _get(f"{service}grades.csv", prof)
    assert status == 200 and text.splitlines()[1].startswith("alice,")


@pytest.mark.slow
@pytest.mark.browser
def test_an_instructor_logs_in_through_the_hub_in_chromium_and_sees_the_class(hub):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    from .test_service import _chromium_driver

    alice = _user_token(hub, "alice")
    assert submit.send(ALICE, f"{hub}/services/grading/", alice).code == submit.GRADED
    driver = _chromium_driver()
    try:
        driver.get(f"{hub}/services/grading/")  # to the hub's login page, then back through its OAuth
        WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.NAME, "username"))
        driver.find_element(By.NAME, "username").send_keys("prof")
        driver.find_element(By.NAME, "password").send_keys("anything", Keys.ENTER)
        WebDriverWait(driver, 60).until(lambda d: "class progress" in d.find_element(By.TAG_NAME, "body").text)
        assert driver.current_url.startswith(f"{hub}/services/grading/")
        rows = driver.find_elements(By.CSS_SELECTOR, "table tbody tr th")
        assert "alice" in [r.text for r in rows]
        driver.find_element(By.ID, "publish-01_conv_basics").click()  # a form with the hub's XSRF token
        WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.ID, "unpublish-01_conv_basics"))
    finally:
        driver.quit()
    status, mine = _get(f"{hub}/services/grading/api/submissions", alice)
    assert status == 200 and mine["submissions"][0]["hidden_published"] is True


@pytest.mark.slow
def test_submit_in_a_notebook_kernel_finds_the_service_and_the_users_hub_token(hub, tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    folder = tmp_path / "01_conv_basics"
    folder.mkdir()
    shutil.copyfile(ALICE, folder / "conv_basics.ipynb")
    # what the hub's configuration (add_grading_service) and the hub give every user's server
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", _user_token(hub, "bob"))
    monkeypatch.setenv("AUTOGRADER_SERVER", f"{hub}/services/grading/")
    monkeypatch.delenv("AUTOGRADER_TOKEN", raising=False)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    call = "from autograder.frontends.submit import submit\nanswer = submit()\nprint('STUDENT', answer['student'])"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(call)])
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    printed = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.output_type == "stream")
    assert "STUDENT bob" in printed and "01_conv_basics: visible checks" in printed, printed
    assert "Attempts left: 4 (at most 5 per 1 h)" in printed, printed
