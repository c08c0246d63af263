"""Simfra's Python runtime interface client: speaks the Lambda Runtime API
(https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html) at
$AWS_LAMBDA_RUNTIME_API the way AWS's awslambdaric does, so the same server
serves this image and AWS's own base images.

Loop: GET /runtime/invocation/next → handler(event, context) → POST
/invocation/{id}/response, or /invocation/{id}/error with AWS's payload
{errorMessage, errorType, requestId, stackTrace}. A handler that cannot be
loaded is reported to /runtime/init/error."""

import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

API = os.environ["AWS_LAMBDA_RUNTIME_API"]
TASK_ROOT = os.environ.get("LAMBDA_TASK_ROOT", "/var/task")
PREFIX = "/2018-06-01/runtime"


def _connection():
    host, _, rest = API.partition("/")
    base = ("/" + rest.rstrip("/")) if rest else ""
    return http.client.HTTPConnection(host, timeout=None), base


CONN, BASE = _connection()


def _request(method, path, body=None, headers=None):
    global CONN
    for attempt in range(2):
        try:
            CONN.request(method, BASE + path, body=body, headers=headers or {})
            resp = CONN.getresponse()
            return resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), resp.read()
        except (http.client.HTTPException, ConnectionError):
            # The server closed a kept-alive connection: reconnect once.
            CONN.close()
            CONN, _ = _connection()
            if attempt:
                raise


def _error_payload(exc, request_id=""):
    etype = type(exc).__name__
    frames = traceback.extract_tb(exc.__traceback__)
    # AWS leaves the runtime's own frame out of the stack trace.
    frames = [f for f in frames if not f.filename.endswith("simfra_ric.py")]
    return {
        "errorMessage": str(exc),
        "errorType": etype,
        "requestId": request_id,
        "stackTrace": traceback.format_list(frames),
    }


class FaultError(Exception):
    def __init__(self, etype, message):
        super().__init__(message)
        self.etype = etype
        self.message = message


def _load_handler(spec):
    try:
        modname, fname = spec.rsplit(".", 1)
    except ValueError:
        raise FaultError("Runtime.MalformedHandlerName", f"Bad handler '{spec}': not enough values to unpack (expected 2, got 1)")
    modname = modname.replace("/", ".")
    try:
        module = importlib.import_module(modname)
    except ImportError as e:
        raise FaultError("Runtime.ImportModuleError", f"Unable to import module '{modname}': {e}")
    except SyntaxError as e:
        raise FaultError("Runtime.UserCodeSyntaxError", f"Syntax error in module '{modname}': {e}")
    except Exception as e:
        raise FaultError(type(e).__name__, str(e))
    fn = getattr(module, fname, None)
    if fn is None:
        raise FaultError("Runtime.HandlerNotFound", f"Handler '{fname}' missing on module '{modname}'")
    return fn


class CognitoIdentity:
    def __init__(self, d):
        self.cognito_identity_id = d.get("cognitoIdentityId")
        self.cognito_identity_pool_id = d.get("cognitoIdentityPoolId")


class ClientContext:
    def __init__(self, d):
        self.client = d.get("client")
        self.custom = d.get("custom")
        self.env = d.get("env")


class LambdaContext:
    def __init__(self, request_id, deadline_ms, arn, headers):
        self.aws_request_id = request_id
        self.invoked_function_arn = arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self._deadline_ms = deadline_ms
        cc = headers.get("lambda-runtime-client-context")
        ident = headers.get("lambda-runtime-cognito-identity")
        self.client_context = ClientContext(json.loads(cc)) if cc else None
        self.identity = CognitoIdentity(json.loads(ident)) if ident else CognitoIdentity({})

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline_ms - time.time() * 1000))


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record, as AWS's runtime does."""

    request_id = ""

    def filter(self, record):
        record.aws_request_id = RequestIdFilter.request_id
        return True


def _install_logging():
    # AWS's Python runtime: a root handler writing
    # `[LEVEL]\t<timestamp>\t<request id>\t<message>`; the root level stays WARNING.
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(RequestIdFilter())
    formatter = logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    logging.getLogger().addHandler(handler)


def main():
    _install_logging()
    sys.path[:0] = [TASK_ROOT, "/opt/python/lib/python3.11/site-packages", "/opt/python"]
    sys.path.append(os.environ.get("LAMBDA_RUNTIME_DIR", "/var/runtime"))
    try:
        handler = _load_handler(os.environ.get("_HANDLER", ""))
    except FaultError as e:
        payload = {"errorMessage": e.message, "errorType": e.etype, "requestId": "", "stackTrace": []}
        print(f"[ERROR] {e.etype}: {e.message}", file=sys.stderr, flush=True)
        _request("POST", PREFIX + "/init/error", json.dumps(payload),
                 {"Lambda-Runtime-Function-Error-Type": e.etype, "Content-Type": "application/json"})
        sys.exit(1)

    while True:
        status, headers, body = _request("GET", PREFIX + "/invocation/next")
        if status != 200:
            time.sleep(0.1)
            continue
        request_id = headers.get("lambda-runtime-aws-request-id", "")
        RequestIdFilter.request_id = request_id
        deadline = int(headers.get("lambda-runtime-deadline-ms", "0") or 0)
        arn = headers.get("lambda-runtime-invoked-function-arn", "")
        trace = headers.get("lambda-runtime-trace-id")
        if trace:
            os.environ["_X_AMZN_TRACE_ID"] = trace
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        context = LambdaContext(request_id, deadline, arn, headers)
        try:
            event = json.loads(body) if body else None
            result = handler(event, context)
            try:
                out = json.dumps(result)
            except (TypeError, ValueError) as e:
                raise FaultError("Runtime.MarshalError", f"Unable to marshal response: {e}")
        except FaultError as e:
            payload = {"errorMessage": e.message, "errorType": e.etype, "requestId": request_id, "stackTrace": []}
            _post_error(request_id, payload)
            continue
        except Exception as e:
            payload = _error_payload(e, request_id)
            print(f"[ERROR] {payload['errorType']}: {payload['errorMessage']}\nTraceback (most recent call last):\n"
                  + "".join(payload["stackTrace"]), file=sys.stderr, flush=True)
            _post_error(request_id, payload)
            continue
        _request("POST", f"{PREFIX}/invocation/{request_id}/response", out, {"Content-Type": "application/json"})


def _post_error(request_id, payload):
    _request("POST", f"{PREFIX}/invocation/{request_id}/error", json.dumps(payload),
             {"Lambda-Runtime-Function-Error-Type": payload["errorType"], "Content-Type": "application/json"})


if __name__ == "__main__":
    main()
