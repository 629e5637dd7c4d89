"""``portal-harness serve`` offers the contract: the OpenAPI file as it ships, and a page to
read that needs no network (no script, nothing fetched, every operation and schema)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests
import yaml

from harness.contract import OPENAPI_PATH, load_contract
from harness.serve import Exploration, ServedEndpoints

TIMEOUT = 10.0


@pytest.fixture(scope="module")
def served() -> Iterator[ServedEndpoints]:
    with Exploration(port=0) as exploration:
        assert exploration.endpoints is not None
        yield exploration.endpoints


def test_the_banner_says_where_the_contract_is(served: ServedEndpoints) -> None:
    assert f"contract     {served.contract_url}/" in served.describe()
    assert served.contract_url.startswith("http://127.0.0.1:")


def test_the_openapi_file_is_served_as_it_ships(served: ServedEndpoints) -> None:
    answer = requests.get(f"{served.contract_url}/openapi.yaml", timeout=TIMEOUT)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/yaml"
    assert answer.content == OPENAPI_PATH.read_bytes()
    as_json = requests.get(f"{served.contract_url}/openapi.json", timeout=TIMEOUT)
    assert as_json.json() == yaml.safe_load(answer.text)


def test_the_readable_page_works_offline_and_shows_the_whole_contract(
    served: ServedEndpoints,
) -> None:
    answer = requests.get(f"{served.contract_url}/", timeout=TIMEOUT)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    page = answer.text
    assert "<script" not in page and "<link" not in page and " src=" not in page
    assert set(re.findall(r'href="([^"#][^"]*)"', page)) == {"openapi.yaml"}
    contract = load_contract()
    assert f"{contract['info']['title']} {contract['info']['version']}" in page
    anchors = set(re.findall(r'id="([^"]+)"', page))
    for item in contract["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                assert operation["operationId"] in anchors
    for name in contract["components"]["schemas"]:
        assert f"schema-{name}" in anchors
    links = set(re.findall(r'href="#([^"]+)"', page))
    assert links <= anchors, links - anchors  # every link lands on the page


def test_an_unknown_contract_route_is_a_problem(served: ServedEndpoints) -> None:
    answer = requests.get(f"{served.contract_url}/swagger", timeout=TIMEOUT)
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "route-not-found"
