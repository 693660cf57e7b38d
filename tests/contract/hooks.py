"""Schemathesis hooks for card-sandbox's OpenAPI documents: authentication done the way a
real client does it, against the tenant the run was given (its base URL is the run's
`--url`).

- Interlace: `GET /open-api/oauth/authorize?clientId=` for a code, then
  `POST /open-api/oauth/access-token` with the tenant's clientId and clientSecret, then
  `x-access-token: <accessToken>` (the OAuth requests themselves go without).
- OPCard: `POST /card-api/v1/auth/token` with the tenant's app_key and app_secret, then
  `Authorization: <token>` (the token request itself goes without).
- HyperCard: each request signed on the wall clock with the tenant's merchant key by
  `card-sandbox hypercard sign`, the same signing code the sandbox's own command uses,
  over the very body Schemathesis sends.
- Admin: no token (the run's sandbox has none); a `{tenant}` path parameter names the
  run's tenant, except on the tenant's deletion, so operations reach a real tenant
  rather than answering 404 to a random id, and `{provider}` one of the three.
"""

import json
import os
import subprocess
import tempfile
import urllib.parse
import urllib.request

import schemathesis

BASE = os.environ["SANDBOX_CONTRACT_BASE"]
"""The tenant's base URL: http://HOST:PORT/t/{tenant}."""

CREDENTIALS = json.loads(os.environ["SANDBOX_CONTRACT_CREDENTIALS"])
"""The tenant view's `credentials` object."""

BINARY = os.environ["SANDBOX_CONTRACT_BINARY"]
"""The card-sandbox binary, for `hypercard sign`."""

DOCUMENT = os.environ["SANDBOX_CONTRACT_DOCUMENT"]
"""Which document this run fuzzes: opcard, hypercard, ..."""

TENANT = os.environ["SANDBOX_CONTRACT_TENANT"]
"""The run's tenant id."""

PROVIDERS = ("interlace", "opcard", "hypercard")


def get_json(path):
    with urllib.request.urlopen(BASE + path, timeout=10) as answer:
        return json.loads(answer.read())


def post_json(path, body):
    request = urllib.request.Request(
        BASE + path,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


@schemathesis.auth().apply_to(path_regex="^/open-api/").skip_for(path_regex="/oauth/")
class InterlaceToken:
    """An access token through the OAuth code, refreshed well inside its day."""

    refresh_interval = 600

    def get(self, case, context):
        client = CREDENTIALS["interlace"][0]
        query = urllib.parse.urlencode({"clientId": client["clientId"]})
        code = get_json(f"/open-api/oauth/authorize?{query}")["code"]
        answer = post_json(
            "/open-api/oauth/access-token",
            {"clientId": client["clientId"], "clientSecret": client["clientSecret"],
             "code": code},
        )
        return answer["accessToken"]

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["x-access-token"] = data


@schemathesis.auth().apply_to(path_regex="^/card-api/")
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


_merchant_key = None


def merchant_key_file():
    """The merchant's private key PEM (from the tenant view), in a file for `sign`."""
    global _merchant_key
    if _merchant_key is None:
        pem = CREDENTIALS["hypercard"][0]["private_key_pem"]
        handle = tempfile.NamedTemporaryFile("w", suffix=".pem", delete=False)
        handle.write(pem)
        handle.close()
        _merchant_key = handle.name
    return _merchant_key


@schemathesis.hook
def before_call(context, case, kwargs=None):
    """Signs every HyperCard request over the body it carries."""
    if DOCUMENT != "hypercard":
        return
    body = case.body if isinstance(case.body, dict) else {}
    signed = subprocess.run(
        [BINARY, "hypercard", "sign", "--api-key", CREDENTIALS["hypercard"][0]["api_key"],
         "--key", merchant_key_file(), "--body", "@-"],
        input=json.dumps(body), capture_output=True, text=True, check=True)
    case.headers = case.headers or {}
    for line in signed.stdout.splitlines():
        name, _, value = line.partition(": ")
        if name:
            case.headers[name] = value


@schemathesis.hook
def map_path_parameters(context, path_parameters):
    """Admin operations on the run's tenant (its deletion aside) and a real provider."""
    if DOCUMENT != "admin" or not path_parameters:
        return path_parameters
    operation = context.operation
    deleting = operation.method.upper() == "DELETE" and operation.path == "/_sandbox/tenants/{tenant}"
    if "tenant" in path_parameters and not deleting:
        path_parameters["tenant"] = TENANT
    if "provider" in path_parameters:
        chosen = sum(map(ord, str(path_parameters["provider"]))) % len(PROVIDERS)
        path_parameters["provider"] = PROVIDERS[chosen]
    return path_parameters
