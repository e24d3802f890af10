"""The grading service inside a real JupyterHub (DummyAuthenticator, its proxy
configurable-http-proxy from npm), on loopback ports, started and stopped by the test:
the hub starts the service from ``add_grading_service``; hub users' own tokens submit
through the hub's proxy; members of the instructor group see the class, others their own."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from autograder.frontends import submit

from .conftest import unavailable

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
c.Authenticator.allowed_users = {{"alice", "bob", "carol", "prof"}}
c.JupyterHub.db_url = "sqlite:///{folder}/hub.sqlite"
c.JupyterHub.cookie_secret_file = "{folder}/cookie_secret"
c.ConfigurableHTTPProxy.pid_file = "{folder}/proxy.pid"
c.JupyterHub.load_groups = {{"teachers": {{"users": ["prof"]}}}}
# each user's own Jupyter server, as the hub's user, its home in the test's folder
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{folder}/home/{{username}}"
c.Spawner.cmd = ["{python}", "-m", "jupyterhub.singleuser"]
c.Spawner.args = ["--allow-root"]  # harmless when the test does not run as root
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = c.Spawner.http_timeout = 120
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


@dataclass(frozen=True)
class Hub:
    """A running hub: its public URL, and the folder holding its users' homes."""

    url: str
    folder: Path

    def home(self, user: str) -> Path:
        return self.folder / "home" / user


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("hub")
    if shutil.which("configurable-http-proxy") is None:
        unavailable("JupyterHub's proxy is not installed (npm install -g configurable-http-proxy)")
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
            python=sys.executable,
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
        yield Hub(url, tmp_path)
    finally:
        try:  # users' servers and their kernels too
            started |= {p.pid for p in psutil.Process(process.pid).children(recursive=True)}
        except psutil.NoSuchProcess:
            pass
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
    service = f"{hub.url}/services/grading/"
    alice, bob, prof = (_user_token(hub.url, user) for user in ("alice", "bob", "prof"))
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

    alice = _user_token(hub.url, "alice")
    assert submit.send(ALICE, f"{hub.url}/services/grading/", alice).code == submit.GRADED
    driver = _chromium_driver()
    try:
        driver.get(f"{hub.url}/services/grading/")  # to the hub's login page, then back through its OAuth
        WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.NAME, "username"))
        driver.find_element(By.NAME, "username").send_keys("prof")
        driver.find_element(By.NAME, "password").send_keys("anything", Keys.ENTER)
        WebDriverWait(driver, 60).until(lambda d: "class progress" in d.find_element(By.TAG_NAME, "body").text)
        assert driver.current_url.startswith(f"{hub.url}/services/grading/")
        rows = driver.find_elements(By.CSS_SELECTOR, "table tbody tr th")
        assert "alice" in [r.text for r in rows]
        driver.find_element(By.ID, "publish-01_conv_basics").click()  # a form with the hub's XSRF token
        WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.ID, "unpublish-01_conv_basics"))
    finally:
        driver.quit()
    status, mine = _get(f"{hub.url}/services/grading/api/submissions", alice)
    assert status == 200 and mine["submissions"][0]["hidden_published"] is True


@pytest.mark.slow
def test_submit_in_a_notebook_kernel_finds_the_service_and_the_users_hub_token(hub, tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    folder = tmp_path / "01_conv_basics"
    folder.mkdir()
    shutil.copyfile(ALICE, folder / "conv_basics.ipynb")
    # what the hub's configuration (add_grading_service) and the hub give every user's server
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", _user_token(hub.url, "bob"))
    monkeypatch.setenv("AUTOGRADER_SERVER", f"{hub.url}/services/grading/")
    monkeypatch.delenv("AUTOGRADER_TOKEN", raising=False)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    call = "from autograder.frontends.submit import submit\nanswer = submit()\nprint('STUDENT', answer['student'])"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(call)])
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    printed = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.output_type == "stream")
    assert "STUDENT bob" in printed and "01_conv_basics: visible checks" in printed, printed
    assert "Attempts left: 4 (at most 5 per 1 h)" in printed, printed


SUBMIT_CELL = "from autograder.frontends.submit import submit\nanswer = submit()"
"""What the student types into a new cell at the end of the notebook."""
VISIBLE = re.compile(r"01_conv_basics: visible checks (\d+) / (\d+) points")


@pytest.mark.slow
@pytest.mark.browser
def test_a_student_logs_in_in_chromium_and_submits_from_a_notebook_in_their_spawned_server(hub):
    """carol logs in at the hub; the hub spawns her own Jupyter server, whose kernel knows
    only what the hub gave it (AUTOGRADER_SERVER from add_grading_service and the server's
    own JUPYTERHUB_API_TOKEN: the test makes no token for carol); she opens her notebook
    from JupyterLab's file browser, adds a cell calling submit() at the end, saves, runs it
    and reads her grade under the cell."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    from .test_service import _chromium_driver

    notebook = hub.home("carol") / "01_conv_basics" / "conv_basics.ipynb"
    notebook.parent.mkdir(parents=True)
    shutil.copyfile(ALICE, notebook)  # every answer right
    count = len(json.loads(ALICE.read_text())["cells"])
    driver = _chromium_driver()

    def wait(seconds: float) -> WebDriverWait:
        return WebDriverWait(driver, seconds, 0.5, ignored_exceptions=(StaleElementReferenceException,))

    def cells() -> list:
        return driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")

    def saved() -> str:
        return "".join(json.loads(notebook.read_text())["cells"][-1]["source"])

    try:
        driver.get(f"{hub.url}/hub/login")
        wait(60).until(lambda d: d.find_elements(By.NAME, "username"))
        driver.find_element(By.NAME, "username").send_keys("carol")
        driver.find_element(By.NAME, "password").send_keys("anything", Keys.ENTER)
        for name in ("01_conv_basics", "conv_basics.ipynb"):  # her server spawned: JupyterLab's file browser
            item = f"//li[contains(@class, 'jp-DirListing-item')][.//*[contains(@class, 'jp-DirListing-itemText')][normalize-space()='{name}']]"
            shown = wait(240).until(
                lambda d, item=item: [e for e in d.find_elements(By.XPATH, item) if e.is_displayed()]
            )
            ActionChains(driver).double_click(shown[0]).perform()
        wait(120).until(lambda d: len(cells()) == count)
        last = cells()[-1]
        driver.execute_script("arguments[0].scrollIntoView()", last)
        last.find_element(By.CSS_SELECTOR, ".jp-InputArea-editor").click()
        keys = ActionChains(driver)
        keys.send_keys(Keys.ESCAPE, "b", Keys.ENTER).perform()  # command mode, a new cell below, edit it
        wait(30).until(lambda d: len(cells()) == count + 1)
        keys.send_keys(SUBMIT_CELL).perform()
        keys.key_down(Keys.CONTROL).send_keys("s").key_up(Keys.CONTROL).perform()
        wait(30).until(lambda d: saved() == SUBMIT_CELL)  # submit() sends the file: with this cell in it
        keys.key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT).perform()  # run the cell
        cell = cells()[count]
        wait(240).until(lambda d: re.fullmatch(r"\[\d+\]:", cell.find_element(By.CSS_SELECTOR, ".jp-InputPrompt").text))
        text = "\n".join(o.text for o in cell.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output"))
    finally:
        driver.quit()
    visible = VISIBLE.search(text)
    assert visible and visible[1] == visible[2] != "0", text
    assert "Attempts left: 4 (at most 5 per 1 h)" in text, text
    status, everyone = _get(f"{hub.url}/services/grading/api/submissions", _user_token(hub.url, "prof"))
    carols = [s for s in everyone["submissions"] if s["student"] == "carol"]
    assert status == 200 and len(carols) == 1 and carols[0]["score_visible"] == carols[0]["max_visible"], carols
    assert carols[0]["notes"] == []  # the grader ran her notebook without its submit() call: no error note
