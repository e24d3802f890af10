"""The grading service as a JupyterHub service: a few lines of ``jupyterhub_config.py``.

::

    from autograder.service.hub import add_grading_service
    add_grading_service(c, db="sqlite:////srv/grading/service.db", instructor_group="instructors")
    c.JupyterHub.load_groups = {"instructors": {"users": ["prof"]}}

The hub starts and stops the service (``python -m autograder serve``) and routes
``/services/grading/`` to it; students log in through the hub's OAuth (the service uses
JupyterHub's own ``HubOAuthenticated``), and ``submit()`` in a notebook reaches it with the
user's own ``JUPYTERHUB_API_TOKEN``.
"""

from __future__ import annotations

import sys

from jupyterhub.services.service import Service


def add_grading_service(
    c,
    name: str = "grading",
    port: int = 8090,
    db: str = "sqlite:///grading-service.db",
    instructor_group: str = "instructors",
    args: tuple[str, ...] = (),
    environment: dict[str, str] | None = None,
    start_seconds: int = 300,
) -> None:
    """Register the service in a JupyterHub configuration ``c``.

    Args:
        name: the service's name (its URL is ``/services/<name>/``).
        port: where it listens, on 127.0.0.1 (the hub's proxy reaches it there).
        db: its database (``serve --db``).
        instructor_group: hub group whose members see the class and publish results.
        args: more ``serve`` options (``--workers 4``, ``--roster roster.csv``, ...).
        environment: variables for the service's process (e.g. ``PYTHONPATH``).
        start_seconds: how long the hub waits for the service to answer before it gives up
            and exits (the service's ``timeout``, JupyterHub 6.0 and later; its default of
            30 s is too short on a busy machine: the warm workers load TensorFlow first).
    """
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "autograder", "serve", "--db", db, "--host", "127.0.0.1", "--port", str(port)]
    command += ["--instructor-group", instructor_group, *args]
    service = {"name": name, "url": url, "command": command, "oauth_no_confirm": True, "environment": environment or {}}
    if "timeout" in Service.class_traits():  # JupyterHub 6.0 and later
        service["timeout"] = start_seconds
    services = _list(c.JupyterHub, "services")
    services.append(service)
    c.JupyterHub.services = services
    access = f"access:services!service={name}"
    roles = _list(c.JupyterHub, "load_roles")
    roles.append({"name": "user", "scopes": ["self", access]})
    c.JupyterHub.load_roles = roles
    # each user's server: its JUPYTERHUB_API_TOKEN may call the service, and submit() finds it
    c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server", access]
    environment = dict(c.Spawner.environment) if "environment" in c.Spawner else {}
    c.Spawner.environment = {**environment, "AUTOGRADER_SERVER": f"{url}/services/{name}/"}


def _list(section, key: str) -> list:
    """A list already in the configuration (another service, another role), or a new one."""
    return list(section[key]) if key in section else []
