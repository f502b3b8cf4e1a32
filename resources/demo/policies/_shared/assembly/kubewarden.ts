// waPC guest glue and Kubewarden response helpers shared by the demo policies.
import { JSONValue, quote } from "./json";

@external("wapc", "__guest_request")
declare function guest_request(opPtr: usize, payloadPtr: usize): void;
@external("wapc", "__guest_response")
declare function guest_response(ptr: usize, len: usize): void;
@external("wapc", "__guest_error")
declare function guest_error(ptr: usize, len: usize): void;
@external("wapc", "__host_call")
declare function host_call(
  bdPtr: usize, bdLen: usize, nsPtr: usize, nsLen: usize,
  opPtr: usize, opLen: usize, ptr: usize, len: usize,
): bool;
@external("wapc", "__host_response_len")
declare function host_response_len(): usize;
@external("wapc", "__host_response")
declare function host_response(ptr: usize): void;
@external("wapc", "__host_error_len")
declare function host_error_len(): usize;
@external("wapc", "__host_error")
declare function host_error(ptr: usize): void;
@external("wapc", "__console_log")
declare function console_log(ptr: usize, len: usize): void;

// What an operation handler answers: a reply body, or an error for __guest_error.
export class Reply {
  constructor(
    public ok: bool,
    public body: string,
  ) {}
  static success(body: string): Reply {
    return new Reply(true, body);
  }
  static failure(message: string): Reply {
    return new Reply(false, message);
  }
}

export type Handler = (operation: string, payload: string) => Reply;

// Body of the exported __guest_call: fetch the request, dispatch, answer.
export function handleGuestCall(opLen: usize, payloadLen: usize, handler: Handler): bool {
  const op = new ArrayBuffer(<i32>opLen);
  const payload = new ArrayBuffer(<i32>payloadLen);
  guest_request(changetype<usize>(op), changetype<usize>(payload));
  const reply = handler(String.UTF8.decode(op), String.UTF8.decode(payload));
  const bytes = String.UTF8.encode(reply.body);
  if (reply.ok) {
    guest_response(changetype<usize>(bytes), bytes.byteLength);
  } else {
    guest_error(changetype<usize>(bytes), bytes.byteLength);
  }
  return reply.ok;
}

export function consoleLog(message: string): void {
  const bytes = String.UTF8.encode(message);
  console_log(changetype<usize>(bytes), bytes.byteLength);
}

// Result of a host call: the reply bytes as text, or the host's error text.
export class HostResult {
  constructor(
    public ok: bool,
    public text: string,
  ) {}
}

export function hostCall(binding: string, namespace: string, operation: string, payload: string): HostResult {
  const bd = String.UTF8.encode(binding);
  const ns = String.UTF8.encode(namespace);
  const op = String.UTF8.encode(operation);
  const body = String.UTF8.encode(payload);
  const ok = host_call(
    changetype<usize>(bd), bd.byteLength, changetype<usize>(ns), ns.byteLength,
    changetype<usize>(op), op.byteLength, changetype<usize>(body), body.byteLength,
  );
  if (ok) {
    const buf = new ArrayBuffer(<i32>host_response_len());
    host_response(changetype<usize>(buf));
    return new HostResult(true, String.UTF8.decode(buf));
  }
  const err = new ArrayBuffer(<i32>host_error_len());
  host_error(changetype<usize>(err));
  return new HostResult(false, String.UTF8.decode(err));
}

// Structured log line through the kubewarden/tracing/log host capability.
export function traceLog(level: string, message: string): void {
  const line = JSONValue.object();
  line.set("level", JSONValue.str(level));
  line.set("message", JSONValue.str(message));
  hostCall("kubewarden", "tracing", "log", line.toString());
}

export function protocolVersion(): Reply {
  return Reply.success(quote("v1"));
}

export function accept(): Reply {
  return Reply.success('{"accepted":true}');
}

export function reject(message: string, code: i32 = 0): Reply {
  const r = JSONValue.object();
  r.set("accepted", JSONValue.bool(false));
  r.set("message", JSONValue.str(message));
  if (code > 0) r.set("code", JSONValue.number(code.toString()));
  return Reply.success(r.toString());
}

export function mutate(object: JSONValue): Reply {
  const r = JSONValue.object();
  r.set("accepted", JSONValue.bool(true));
  r.set("mutated_object", object);
  return Reply.success(r.toString());
}

export function settingsValid(): Reply {
  return Reply.success('{"valid":true}');
}

export function settingsInvalid(message: string): Reply {
  const r = JSONValue.object();
  r.set("valid", JSONValue.bool(false));
  r.set("message", JSONValue.str(message));
  return Reply.success(r.toString());
}

export function unknownOperation(operation: string): Reply {
  return Reply.failure('Could not find function "' + operation + '"');
}
