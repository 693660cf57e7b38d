"""Schemathesis hooks for card-sandbox's OpenAPI documents: authentication done the way a
real client does it, against the tenant the run was given (its base URL is the run's
`--url`).

- OPCard: `POST /card-api/v1/auth/token` with the tenant's app_key and app_secret, then
  `Authorization: <token>` (the token request itself goes without).
"""

import json
import os
import urllib.request

import schemathesis

BASE = os.environ["SANDBOX_CONTRACT_BASE"]
"""The tenant's base URL: http://HOST:PORT/t/{tenant}."""

CREDENTIALS = json.loads(os.environ["SANDBOX_CONTRACT_CREDENTIALS"])
"""The tenant view's `credentials` object."""


def post_json(path, body):
    request = urllib.request.Request(
        BASE + path,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


@schemathesis.auth()
class OpcardToken:
    """A token from the token endpoint, refreshed well inside its two hours."""

    refresh_interval = 600

    def get(self, case, context):
        client = CREDENTIALS["opcard"][0]
        answer = post_json(
            "/card-api/v1/auth/token",
            {"app_key": client["app_key"], "app_secret": client["app_secret"]},
        )
        return answer["data"]["token"]

    def set(self, case, data, context):
        if case.path != "/card-api/v1/auth/token":
            case.headers = case.headers or {}
            case.headers["Authorization"] = data
