// set-image-pull-policy: a mutating policy. Every container, init container and
// ephemeral container of a Pod gets `imagePullPolicy` set to the configured value.
//
// settings: {"pull_policy": "Always" | "IfNotPresent" | "Never"}  (default "Always")
//
// The object to mutate is `request.object`; when it is missing (DELETE) the policy
// falls back to `request.oldObject`. That fallback is deliberate: it lets the demo
// show Kubewarden refusing a mutation of a DELETE request.
import { JSONValue, parse } from "../../_shared/assembly/json";
import {
  Reply, accept, handleGuestCall, mutate, protocolVersion, reject,
  settingsInvalid, settingsValid, traceLog, unknownOperation,
} from "../../_shared/assembly/kubewarden";

const DEFAULT_POLICY = "Always";

// the configured policy, or "" with the reason in `settingsProblem`
let settingsProblem = "";

function pullPolicy(settings: JSONValue): string {
  settingsProblem = "";
  if (!settings.isObject()) {
    settingsProblem = "settings must be an object";
    return "";
  }
  const value = settings.get("pull_policy");
  if (value.isNull()) return DEFAULT_POLICY;
  if (!value.isString()) {
    settingsProblem = "pull_policy must be a string";
    return "";
  }
  const text = value.text;
  if (text != "Always" && text != "IfNotPresent" && text != "Never") {
    settingsProblem = "pull_policy must be one of Always, IfNotPresent, Never (got '" + text + "')";
    return "";
  }
  return text;
}

function validateSettings(payload: string): Reply {
  const parsed = parse(payload);
  if (parsed.error !== null) return settingsInvalid("cannot parse settings: " + parsed.error!);
  pullPolicy(parsed.value);
  return settingsProblem.length == 0 ? settingsValid() : settingsInvalid(settingsProblem);
}

// sets the policy on every container of `list`; returns how many changed
function fix(list: JSONValue, policy: string): i32 {
  if (!list.isArray()) return 0;
  let changed = 0;
  for (let i = 0; i < list.items.length; i++) {
    const container = list.items[i];
    if (!container.isObject()) continue;
    const current = container.get("imagePullPolicy");
    if (!current.isString() || current.text != policy) {
      container.set("imagePullPolicy", JSONValue.str(policy));
      changed++;
    }
  }
  return changed;
}

function validate(payload: string): Reply {
  const parsed = parse(payload);
  if (parsed.error !== null) return reject("cannot parse the validation request: " + parsed.error!, 400);
  const policy = pullPolicy(parsed.value.get("settings"));
  if (settingsProblem.length > 0) return reject("invalid settings: " + settingsProblem, 400);
  const request = parsed.value.get("request");
  if (request.path(["kind", "kind"]).text != "Pod") return accept();
  let object = request.get("object");
  if (object.isNull()) object = request.get("oldObject");
  if (!object.isObject()) return accept();
  const spec = object.get("spec");
  const changed =
    fix(spec.get("containers"), policy) + fix(spec.get("initContainers"), policy) +
    fix(spec.get("ephemeralContainers"), policy);
  if (changed == 0) {
    traceLog("debug", "every container already uses imagePullPolicy " + policy);
    return accept();
  }
  traceLog("info", "setting imagePullPolicy " + policy + " on " + changed.toString() + " container(s)");
  return mutate(object);
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
