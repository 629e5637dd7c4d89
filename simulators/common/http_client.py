"""The one way our clients open HTTP sessions (the harness to a portal, the portal to SEVIS)."""

from __future__ import annotations

import requests


def session_for(base_url: str) -> requests.Session:
    """A keep-alive ``requests.Session`` for one server, with the environment's proxy and
    CA-bundle settings for that server read once, here. Left to itself, requests reads them
    again on every request (a scan of the whole environment each time), which costs more
    than a loopback round trip. NO_PROXY is honoured for ``base_url``; .netrc is not read.
    """
    session = requests.Session()
    settings = session.merge_environment_settings(base_url, {}, None, None, None)
    session.proxies.update(settings["proxies"])
    session.verify = settings["verify"]
    session.trust_env = False
    return session
