"""A webhook receiver that verifies with each provider's official library.

POST /<scheme> → 204 when the official library accepts the request, 401 when it rejects it.
Secrets come from the environment (SDK_SECRET_<SCHEME>); the port is printed on stdout.
"""
import base64, hashlib, hmac, os, subprocess, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import slack_sdk.signature
import standardwebhooks
import stripe

HERE = os.path.dirname(os.path.abspath(__file__))


def secret(scheme):
    return os.environ[f"SDK_SECRET_{scheme.upper()}"]


def check_stripe(body, headers):
    stripe.Webhook.construct_event(body.decode(), headers["Stripe-Signature"], secret("stripe"))


def check_standard(body, headers):
    standardwebhooks.Webhook(secret("standard")).verify(body, {k: v for k, v in headers.items()})


def check_slack(body, headers):
    verifier = slack_sdk.signature.SignatureVerifier(secret("slack"))
    if not verifier.is_valid_request(body, {k: v for k, v in headers.items()}):
        raise ValueError("slack_sdk rejected the request")


def check_github(body, headers):
    # @octokit/webhooks-methods is JavaScript: ask node.
    sig = headers["X-Hub-Signature-256"]
    result = subprocess.run(["node", os.path.join(HERE, "github_verify.mjs"), sig],
                            input=body, capture_output=True, env={**os.environ, "SECRET": secret("github")})
    if result.stdout.strip() != b"true":
        raise ValueError(f"octokit rejected: {result.stdout!r} {result.stderr!r}")


def check_shopify(body, headers):
    # Shopify publishes no verification SDK for Python; this is the recipe from its docs.
    digest = base64.b64encode(hmac.new(secret("shopify").encode(), body, hashlib.sha256).digest())
    if not hmac.compare_digest(digest, headers["X-Shopify-Hmac-Sha256"].encode()):
        raise ValueError("shopify hmac mismatch")


CHECKS = {"stripe": check_stripe, "standard": check_standard, "slack": check_slack,
          "github": check_github, "shopify": check_shopify}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            CHECKS[self.path.strip("/")](body, self.headers)
            self.send_response(204)
        except Exception as e:  # any rejection by the library
            sys.stderr.write(f"{self.path}: {type(e).__name__}: {e}\n")
            self.send_response(401)
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
