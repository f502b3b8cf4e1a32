// require-labels: rejects objects that lack any of the labels listed in settings.
//
// settings: {"required_labels": ["app", "team"]}  (a non-empty list of strings)
import { JSONValue, parse } from "../../_shared/assembly/json";
import {
  Reply, accept, consoleLog, handleGuestCall, protocolVersion, reject,
  settingsInvalid, settingsValid, unknownOperation,
} from "../../_shared/assembly/kubewarden";

// null when the settings are valid, else the reason
function checkSettings(settings: JSONValue): string | null {
  if (!settings.isObject()) return "settings must be an object";
  const labels = settings.get("required_labels");
  if (!labels.isArray()) return "required_labels must be a list of label names";
  if (labels.items.length == 0) return "required_labels must not be empty";
  for (let i = 0; i < labels.items.length; i++) {
    const item = labels.items[i];
    if (!item.isString() || item.text.length == 0) {
      return "required_labels must contain only non-empty strings (item " + i.toString() + " is not)";
    }
  }
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
  const object = parsed.value.path(["request", "object"]);
  const labels = object.path(["metadata", "labels"]);
  const required = settings.get("required_labels").items;
  const missing = new Array<string>();
  for (let i = 0; i < required.length; i++) {
    if (!labels.has(required[i].text)) missing.push(required[i].text);
  }
  if (missing.length == 0) {
    consoleLog("all required labels are present");
    return accept();
  }
  consoleLog("missing labels: " + missing.join(", "));
  return reject("missing required labels: " + missing.join(", "));
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
