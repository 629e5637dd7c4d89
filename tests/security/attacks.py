"""What the attacks share: the run's secrets, a raw HTTP client on a fresh world of the
served reference, and how to read a problem's code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from harness.targets import HttpSettings
from harness.world import StudentActor, World
from simulators.common.domain import OptType
from simulators.common.launch import CONTROL_SECRET_HEADER, SEVIS_SECRET_HEADER, ChannelSecrets

TIMEOUT = 5.0
SECRETS = ChannelSecrets.generate()
SETTINGS = HttpSettings(timeout=TIMEOUT, mail_wait=0.2, secrets=SECRETS)
JSON = {"Content-Type": "application/json"}


@dataclass
class Attack:
    """One fresh world on the served reference, and a raw HTTP client to attack it with."""

    world: World
    url: str
    sevis_url: str

    def post(self, path: str, body: bytes | str = b"", **headers: str) -> requests.Response:
        data = body.encode() if isinstance(body, str) else body
        return requests.post(self.url + path, data=data, headers=headers, timeout=TIMEOUT)

    def control(self) -> dict[str, str]:
        return {CONTROL_SECRET_HEADER: SECRETS.control}

    def channel(self) -> dict[str, str]:
        return {SEVIS_SECRET_HEADER: SECRETS.sevis}

    def login(self, email: str, password: str) -> requests.Response:
        body = {"email": email, "password": password}
        return requests.post(self.url + "/sessions", json=body, timeout=TIMEOUT)

    def registered(self) -> StudentActor:
        world = self.world
        student = world.enroll_student()
        world.request_opt(student, OptType.POST_COMPLETION, pending=True)
        world.approve_by_uscis(student, OptType.POST_COMPLETION)
        world.register(student)
        return student


def problem_code(answer: requests.Response) -> Any:
    assert answer.headers["content-type"].startswith("application/problem+json"), answer.text
    return answer.json()["code"]
