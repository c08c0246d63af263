// Simfra's Node.js runtime interface client: speaks the Lambda Runtime API
// at $AWS_LAMBDA_RUNTIME_API the way AWS's aws-lambda-nodejs-runtime-interface-client
// does (node's built-in http only: no npm registry where these images are built).
//
// Handlers: "file.export" from $LAMBDA_TASK_ROOT (file.js, file.mjs, file.cjs),
// async (returning a promise) or callback style (event, context, callback).
// Errors are reported as AWS's Node runtime reports them:
// {errorType, errorMessage, trace: [...]}.
'use strict';

const http = require('http');
const path = require('path');
const fs = require('fs');
const url = require('url');

const API = process.env.AWS_LAMBDA_RUNTIME_API;
const TASK_ROOT = process.env.LAMBDA_TASK_ROOT || '/var/task';
const [HOSTPORT, ...rest] = API.split('/');
const [HOST, PORT] = HOSTPORT.split(':');
const BASE = (rest.length ? '/' + rest.join('/').replace(/\/$/, '') : '') + '/2018-06-01/runtime';
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const util = require('util');

// console output as AWS's Node.js runtime writes it: timestamp, request id, level, message.
let currentRequestId = 'undefined';
function patchConsole() {
  const write = (level) => (...args) => {
    const text = util.format(...args).replace(/\n/g, '\r');
    process.stdout.write(`${new Date().toISOString()}\t${currentRequestId}\t${level}\t${text}\n`);
  };
  console.log = write('INFO');
  console.info = write('INFO');
  console.warn = write('WARN');
  console.error = write('ERROR');
  console.debug = write('DEBUG');
  console.trace = write('TRACE');
}

function request(method, p, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: HOST, port: Number(PORT || 80), method, path: BASE + p, agent, headers: headers || {} },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function errorPayload(err) {
  if (err instanceof Error) {
    const trace = (err.stack || '').split('\n');
    return { errorType: err.name || 'Error', errorMessage: err.message, trace };
  }
  // AWS wraps a thrown non-Error the same way.
  return { errorType: typeof err === 'string' ? 'string' : typeof err, errorMessage: String(err), trace: [] };
}

function postError(p, payload) {
  const body = JSON.stringify(payload);
  return request('POST', p, body, {
    'Content-Type': 'application/json',
    'Lambda-Runtime-Function-Error-Type': payload.errorType,
  });
}

class UserError extends Error {
  constructor(type, message) {
    super(message);
    this.name = type;
  }
}

async function loadHandler(spec) {
  const dot = spec.lastIndexOf('.');
  if (dot < 0) throw new UserError('Runtime.MalformedHandlerName', `Bad handler ${spec}`);
  const modPath = spec.slice(0, dot);
  const names = spec.slice(dot + 1).split('.');
  const base = path.resolve(TASK_ROOT, modPath);
  let mod;
  const candidates = [['.js', false], ['.mjs', true], ['.cjs', false]];
  const found = candidates.find(([ext]) => fs.existsSync(base + ext));
  if (!found) {
    throw new UserError('Runtime.ImportModuleError', `Error: Cannot find module '${path.basename(modPath)}'`);
  }
  const [ext, esm] = found;
  try {
    if (esm) {
      mod = await import(url.pathToFileURL(base + ext).href);
    } else {
      try {
        mod = require(base + ext);
      } catch (e) {
        if (e && e.code === 'ERR_REQUIRE_ESM') mod = await import(url.pathToFileURL(base + ext).href);
        else throw e;
      }
    }
  } catch (e) {
    if (e instanceof SyntaxError) throw new UserError('Runtime.UserCodeSyntaxError', `${e.name}: ${e.message}`);
    throw e;
  }
  let fn = mod;
  for (const n of names) fn = fn && fn[n];
  if (typeof fn !== 'function') {
    throw new UserError('Runtime.HandlerNotFound', `${spec} is undefined or not exported`);
  }
  return fn;
}

function makeContext(headers, done) {
  const deadline = Number(headers['lambda-runtime-deadline-ms'] || 0);
  const cc = headers['lambda-runtime-client-context'];
  const id = headers['lambda-runtime-cognito-identity'];
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: cc ? JSON.parse(cc) : undefined,
    identity: id ? JSON.parse(id) : undefined,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    succeed: (v) => done(null, v),
    fail: (e) => done(e),
    done: (e, v) => done(e, v),
  };
}

function invoke(handler, event, headers) {
  return new Promise((resolve) => {
    let settled = false;
    const done = (err, value) => {
      if (settled) return;
      settled = true;
      resolve({ err, value });
    };
    const context = makeContext(headers, done);
    try {
      const r = handler(event, context, done);
      if (r && typeof r.then === 'function') r.then((v) => done(null, v), (e) => done(e === undefined || e === null ? new Error('undefined') : e));
    } catch (e) {
      done(e);
    }
  });
}

async function main() {
  patchConsole();
  let handler;
  try {
    handler = await loadHandler(process.env._HANDLER || '');
  } catch (e) {
    const payload = errorPayload(e);
    console.error(JSON.stringify(payload));
    await postError('/init/error', payload);
    process.exit(1);
  }
  for (;;) {
    const next = await request('GET', '/invocation/next');
    if (next.status !== 200) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    const h = next.headers;
    const id = h['lambda-runtime-aws-request-id'];
    currentRequestId = id;
    if (h['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = h['lambda-runtime-trace-id'];
    else delete process.env._X_AMZN_TRACE_ID;
    let event;
    try {
      event = next.body.length ? JSON.parse(next.body.toString('utf8')) : null;
    } catch (e) {
      await postError(`/invocation/${id}/error`, errorPayload(e));
      continue;
    }
    const { err, value } = await invoke(handler, event, h);
    if (err !== null && err !== undefined) {
      const payload = errorPayload(err);
      console.error(`Invoke Error \t${JSON.stringify(payload)}`);
      await postError(`/invocation/${id}/error`, payload);
      continue;
    }
    const body = value === undefined ? 'null' : JSON.stringify(value);
    await request('POST', `/invocation/${id}/response`, body, { 'Content-Type': 'application/json' });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
