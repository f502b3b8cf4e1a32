// namespace-label-required: a context-aware policy. A namespaced object is accepted
// only when its Namespace carries the configured label (optionally with a value).
// The Namespace is read through the kubewarden/kubernetes/get_resource host call,
// so the policy needs `contextAwareResources: [{apiVersion: v1, kind: Namespace}]`.
//
// settings: {"label": "policy.example.com/allowed", "value": "true"}  (value optional)
import { JSONValue, parse, quote } from "../../_shared/assembly/json";
import {
  Reply, accept, consoleLog, handleGuestCall, hostCall, protocolVersion, reject,
  settingsInvalid, settingsValid, unknownOperation,
} from "../../_shared/assembly/kubewarden";

function checkSettings(settings: JSONValue): string | null {
  if (!settings.isObject()) return "settings must be an object";
  const label = settings.get("label");
  if (!label.isString() || label.text.length == 0) return "label must be a non-empty string";
  const value = settings.get("value");
  if (!value.isNull() && !value.isString()) return "value must be a string";
  return null;
}

function validateSettings(payload: string): Reply {
  const parsed = parse(payload);
  if (parsed.error !== null) return settingsInvalid("cannot parse settings: " + parsed.error!);
  const problem = checkSettings(parsed.value);
  return problem === null ? settingsValid() : settingsInvalid(problem);
}

function validate(payload: string): Reply {
  const parsed = parse(payload);
  if (parsed.error !== null) return reject("cannot parse the validation request: " + parsed.error!, 400);
  const settings = parsed.value.get("settings");
  const problem = checkSettings(settings);
  if (problem !== null) return reject("invalid settings: " + problem, 400);
  const request = parsed.value.get("request");
  let namespace = request.get("namespace");
  if (!namespace.isString()) namespace = request.path(["object", "metadata", "namespace"]);
  if (!namespace.isString() || namespace.text.length == 0) return accept(); // cluster-scoped object
  const ns = namespace.text;

  const lookup = '{"api_version":"v1","kind":"Namespace","name":' + quote(ns) + ',"disable_cache":false}';
  const answer = hostCall("kubewarden", "kubernetes", "get_resource", lookup);
  if (!answer.ok) return reject("cannot read namespace " + ns + ": " + answer.text);
  const parsedNs = parse(answer.text);
  if (parsedNs.error !== null) return reject("cannot parse namespace " + ns + ": " + parsedNs.error!, 500);

  const label = settings.get("label").text;
  const labels = parsedNs.value.path(["metadata", "labels"]);
  if (!labels.has(label)) {
    return reject("namespace " + ns + " does not have the label " + label);
  }
  const wanted = settings.get("value");
  if (wanted.isString() && labels.get(label).text != wanted.text) {
    return reject("namespace " + ns + " has label " + label + "=" + labels.get(label).text + ", expected " + wanted.text);
  }
  consoleLog("namespace " + ns + " carries " + label);
  return accept();
}

function dispatch(operation: string, payload: string): Reply {
  if (operation == "validate") return validate(payload);
  if (operation == "validate_settings") return validateSettings(payload);
  if (operation == "protocol_version") return protocolVersion();
  return unknownOperation(operation);
}

export function __guest_call(opLen: usize, payloadLen: usize): bool {
  return handleGuestCall(opLen, payloadLen, dispatch);
}
