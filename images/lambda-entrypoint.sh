#!/bin/sh
# The entrypoint contract of AWS's Lambda base images: the handler is the
# only argument, the runtime's bootstrap serves the Runtime API at
# $AWS_LAMBDA_RUNTIME_API.
if [ $# -ne 1 ]; then
  echo "entrypoint requires the handler name to be the first argument" 1>&2
  exit 142
fi
export _HANDLER="$1"
if [ -z "${AWS_LAMBDA_RUNTIME_API:-}" ]; then
  echo "AWS_LAMBDA_RUNTIME_API is not set: these images run under Simfra's Lambda" 1>&2
  exit 142
fi
exec /var/runtime/bootstrap
