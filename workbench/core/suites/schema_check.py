# Generated from suite.schema.json by workbench.core.suites.loader.render_schema_check():
# do not edit (see docs/suites.md, "Validation").
# ruff: noqa
# mypy: ignore-errors
SCHEMA_SHA256 = '40ea3db3cb94752c72e5108b61d9d5b43bd63b34fb81040541993fffc29512eb'
VERSION = "2.22.3"
from decimal import Decimal
import re
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


REGEX_PATTERNS = {
    '^[A-Za-z0-9][A-Za-z0-9_.:/@+-]*$': re.compile('^[A-Za-z0-9][A-Za-z0-9_.:/@+-]*\\Z')
}

NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object")
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['policies', 'cases']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain ")
        data_keys = set(data.keys())
        if "apiVersion" in data_keys:
            data_keys.remove("apiVersion")
            data__apiVersion = data["apiVersion"]
            if not (isinstance(data__apiVersion, str) and data__apiVersion == 'workbench.policy/v1'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".apiVersion must be one of ['workbench.policy/v1']")
        if "kind" in data_keys:
            data_keys.remove("kind")
            data__kind = data["kind"]
            if not (isinstance(data__kind, str) and data__kind == 'Suite'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".kind must be one of ['Suite']")
        if "name" in data_keys:
            data_keys.remove("name")
            data__name = data["name"]
            if not isinstance(data__name, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".name must be string")
        if "description" in data_keys:
            data_keys.remove("description")
            data__description = data["description"]
            if not isinstance(data__description, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".description must be string")
        if "policies" in data_keys:
            data_keys.remove("policies")
            data__policies = data["policies"]
            if not isinstance(data__policies, (dict)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies must be object")
            data__policies_is_dict = isinstance(data__policies, dict)
            if data__policies_is_dict:
                data__policies_len = len(data__policies)
                if data__policies_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies must contain at least 1 properties")
                data__policies_keys = set(data__policies.keys())
                for data__policies_key in data__policies_keys:
                    if data__policies_key not in []:
                        data__policies_value = data__policies.get(data__policies_key)
                        if not isinstance(data__policies_value, (dict)):
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}".format(**locals()) + " must be object")
                        data__policies_value_is_dict = isinstance(data__policies_value, dict)
                        if data__policies_value_is_dict:
                            data__policies_value__missing_keys = set(['module']) - data__policies_value.keys()
                            if data__policies_value__missing_keys:
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}".format(**locals()) + " must contain ")
                            data__policies_value_keys = set(data__policies_value.keys())
                            if "module" in data__policies_value_keys:
                                data__policies_value_keys.remove("module")
                                data__policies_value__module = data__policies_value["module"]
                                if not isinstance(data__policies_value__module, (str)):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.module".format(**locals()) + " must be string")
                                if isinstance(data__policies_value__module, str):
                                    data__policies_value__module_len = len(data__policies_value__module)
                                    if data__policies_value__module_len < 1:
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.module".format(**locals()) + " must be longer than or equal to 1 characters")
                            if "title" in data__policies_value_keys:
                                data__policies_value_keys.remove("title")
                                data__policies_value__title = data__policies_value["title"]
                                if not isinstance(data__policies_value__title, (str)):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.title".format(**locals()) + " must be string")
                            if "description" in data__policies_value_keys:
                                data__policies_value_keys.remove("description")
                                data__policies_value__description = data__policies_value["description"]
                                if not isinstance(data__policies_value__description, (str)):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.description".format(**locals()) + " must be string")
                            if "settings" in data__policies_value_keys:
                                data__policies_value_keys.remove("settings")
                                data__policies_value__settings = data__policies_value["settings"]
                                if not isinstance(data__policies_value__settings, (str, dict)):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.settings".format(**locals()) + " must be string or object")
                                if isinstance(data__policies_value__settings, str):
                                    data__policies_value__settings_len = len(data__policies_value__settings)
                                    if data__policies_value__settings_len < 1:
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.settings".format(**locals()) + " must be longer than or equal to 1 characters")
                            if "executionMode" in data__policies_value_keys:
                                data__policies_value_keys.remove("executionMode")
                                data__policies_value__executionMode = data__policies_value["executionMode"]
                                if not (isinstance(data__policies_value__executionMode, str) and data__policies_value__executionMode == 'kubewarden-wapc' or isinstance(data__policies_value__executionMode, str) and data__policies_value__executionMode == 'kubewarden' or isinstance(data__policies_value__executionMode, str) and data__policies_value__executionMode == 'wapc' or isinstance(data__policies_value__executionMode, str) and data__policies_value__executionMode == 'opa' or isinstance(data__policies_value__executionMode, str) and data__policies_value__executionMode == 'gatekeeper' or isinstance(data__policies_value__executionMode, str) and data__policies_value__executionMode == 'wasi'):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.executionMode".format(**locals()) + " must be one of ['kubewarden-wapc', 'kubewarden', 'wapc', 'opa', 'gatekeeper', 'wasi']")
                            if "entrypoint" in data__policies_value_keys:
                                data__policies_value_keys.remove("entrypoint")
                                data__policies_value__entrypoint = data__policies_value["entrypoint"]
                                if not isinstance(data__policies_value__entrypoint, (str, int)) and not (isinstance(data__policies_value__entrypoint, float) and data__policies_value__entrypoint.is_integer()) or isinstance(data__policies_value__entrypoint, bool):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.entrypoint".format(**locals()) + " must be string or integer")
                                if isinstance(data__policies_value__entrypoint, (int, float, Decimal)) and not isinstance(data__policies_value__entrypoint, bool):
                                    if data__policies_value__entrypoint < 0:
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.entrypoint".format(**locals()) + " must be bigger than or equal to 0")
                            if "raw" in data__policies_value_keys:
                                data__policies_value_keys.remove("raw")
                                data__policies_value__raw = data__policies_value["raw"]
                                if not isinstance(data__policies_value__raw, (bool)):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.raw".format(**locals()) + " must be boolean")
                            if "mode" in data__policies_value_keys:
                                data__policies_value_keys.remove("mode")
                                data__policies_value__mode = data__policies_value["mode"]
                                if not (isinstance(data__policies_value__mode, str) and data__policies_value__mode == 'protect' or isinstance(data__policies_value__mode, str) and data__policies_value__mode == 'monitor'):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.mode".format(**locals()) + " must be one of ['protect', 'monitor']")
                            if "mutating" in data__policies_value_keys:
                                data__policies_value_keys.remove("mutating")
                                data__policies_value__mutating = data__policies_value["mutating"]
                                if not isinstance(data__policies_value__mutating, (bool)):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.mutating".format(**locals()) + " must be boolean")
                            if "message" in data__policies_value_keys:
                                data__policies_value_keys.remove("message")
                                data__policies_value__message = data__policies_value["message"]
                                if not isinstance(data__policies_value__message, (str)):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.message".format(**locals()) + " must be string")
                            if "timeout" in data__policies_value_keys:
                                data__policies_value_keys.remove("timeout")
                                data__policies_value__timeout = data__policies_value["timeout"]
                                if not isinstance(data__policies_value__timeout, (int, float, Decimal, NoneType)) or isinstance(data__policies_value__timeout, bool):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.timeout".format(**locals()) + " must be number or null")
                                if isinstance(data__policies_value__timeout, (int, float, Decimal)) and not isinstance(data__policies_value__timeout, bool):
                                    if data__policies_value__timeout <= 0:
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.timeout".format(**locals()) + " must be bigger than 0")
                            if "allowContextAware" in data__policies_value_keys:
                                data__policies_value_keys.remove("allowContextAware")
                                data__policies_value__allowContextAware = data__policies_value["allowContextAware"]
                                if not isinstance(data__policies_value__allowContextAware, (bool)):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.allowContextAware".format(**locals()) + " must be boolean")
                            if "allowedHostCapabilities" in data__policies_value_keys:
                                data__policies_value_keys.remove("allowedHostCapabilities")
                                data__policies_value__allowedHostCapabilities = data__policies_value["allowedHostCapabilities"]
                                if not isinstance(data__policies_value__allowedHostCapabilities, (list, tuple)):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.allowedHostCapabilities".format(**locals()) + " must be array")
                                data__policies_value__allowedHostCapabilities_is_list = isinstance(data__policies_value__allowedHostCapabilities, (list, tuple))
                                if data__policies_value__allowedHostCapabilities_is_list:
                                    data__policies_value__allowedHostCapabilities_len = len(data__policies_value__allowedHostCapabilities)
                                    for data__policies_value__allowedHostCapabilities_x, data__policies_value__allowedHostCapabilities_item in enumerate(data__policies_value__allowedHostCapabilities):
                                        if not isinstance(data__policies_value__allowedHostCapabilities_item, (str)):
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.allowedHostCapabilities[{data__policies_value__allowedHostCapabilities_x}]".format(**locals()) + " must be string")
                            if "context" in data__policies_value_keys:
                                data__policies_value_keys.remove("context")
                                data__policies_value__context = data__policies_value["context"]
                                if not isinstance(data__policies_value__context, (dict)):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.context".format(**locals()) + " must be object")
                                data__policies_value__context_is_dict = isinstance(data__policies_value__context, dict)
                                if data__policies_value__context_is_dict:
                                    data__policies_value__context_keys = set(data__policies_value__context.keys())
                                    if "clusterSnapshot" in data__policies_value__context_keys:
                                        data__policies_value__context_keys.remove("clusterSnapshot")
                                        data__policies_value__context__clusterSnapshot = data__policies_value__context["clusterSnapshot"]
                                        if not isinstance(data__policies_value__context__clusterSnapshot, (str)):
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.context.clusterSnapshot".format(**locals()) + " must be string")
                                        if isinstance(data__policies_value__context__clusterSnapshot, str):
                                            data__policies_value__context__clusterSnapshot_len = len(data__policies_value__context__clusterSnapshot)
                                            if data__policies_value__context__clusterSnapshot_len < 1:
                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.context.clusterSnapshot".format(**locals()) + " must be longer than or equal to 1 characters")
                                    if "replay" in data__policies_value__context_keys:
                                        data__policies_value__context_keys.remove("replay")
                                        data__policies_value__context__replay = data__policies_value__context["replay"]
                                        if not isinstance(data__policies_value__context__replay, (str)):
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.context.replay".format(**locals()) + " must be string")
                                        if isinstance(data__policies_value__context__replay, str):
                                            data__policies_value__context__replay_len = len(data__policies_value__context__replay)
                                            if data__policies_value__context__replay_len < 1:
                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.context.replay".format(**locals()) + " must be longer than or equal to 1 characters")
                                    if data__policies_value__context_keys:
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.context".format(**locals()) + " must not contain "+str(data__policies_value__context_keys)+" properties")
                            if "scope" in data__policies_value_keys:
                                data__policies_value_keys.remove("scope")
                                data__policies_value__scope = data__policies_value["scope"]
                                if not isinstance(data__policies_value__scope, (dict)):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope".format(**locals()) + " must be object")
                                data__policies_value__scope_is_dict = isinstance(data__policies_value__scope, dict)
                                if data__policies_value__scope_is_dict:
                                    data__policies_value__scope_keys = set(data__policies_value__scope.keys())
                                    if "rules" in data__policies_value__scope_keys:
                                        data__policies_value__scope_keys.remove("rules")
                                        data__policies_value__scope__rules = data__policies_value__scope["rules"]
                                        if not isinstance(data__policies_value__scope__rules, (list, tuple)):
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.rules".format(**locals()) + " must be array")
                                        data__policies_value__scope__rules_is_list = isinstance(data__policies_value__scope__rules, (list, tuple))
                                        if data__policies_value__scope__rules_is_list:
                                            data__policies_value__scope__rules_len = len(data__policies_value__scope__rules)
                                            for data__policies_value__scope__rules_x, data__policies_value__scope__rules_item in enumerate(data__policies_value__scope__rules):
                                                if not isinstance(data__policies_value__scope__rules_item, (dict)):
                                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.rules[{data__policies_value__scope__rules_x}]".format(**locals()) + " must be object")
                                                data__policies_value__scope__rules_item_is_dict = isinstance(data__policies_value__scope__rules_item, dict)
                                                if data__policies_value__scope__rules_item_is_dict:
                                                    data__policies_value__scope__rules_item__missing_keys = set(['operations', 'apiGroups', 'apiVersions', 'resources']) - data__policies_value__scope__rules_item.keys()
                                                    if data__policies_value__scope__rules_item__missing_keys:
                                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.rules[{data__policies_value__scope__rules_x}]".format(**locals()) + " must contain ")
                                                    data__policies_value__scope__rules_item_keys = set(data__policies_value__scope__rules_item.keys())
                                                    if "operations" in data__policies_value__scope__rules_item_keys:
                                                        data__policies_value__scope__rules_item_keys.remove("operations")
                                                        data__policies_value__scope__rules_item__operations = data__policies_value__scope__rules_item["operations"]
                                                        if not isinstance(data__policies_value__scope__rules_item__operations, (list, tuple)):
                                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.rules[{data__policies_value__scope__rules_x}].operations".format(**locals()) + " must be array")
                                                        data__policies_value__scope__rules_item__operations_is_list = isinstance(data__policies_value__scope__rules_item__operations, (list, tuple))
                                                        if data__policies_value__scope__rules_item__operations_is_list:
                                                            data__policies_value__scope__rules_item__operations_len = len(data__policies_value__scope__rules_item__operations)
                                                            for data__policies_value__scope__rules_item__operations_x, data__policies_value__scope__rules_item__operations_item in enumerate(data__policies_value__scope__rules_item__operations):
                                                                if not (isinstance(data__policies_value__scope__rules_item__operations_item, str) and data__policies_value__scope__rules_item__operations_item == 'CREATE' or isinstance(data__policies_value__scope__rules_item__operations_item, str) and data__policies_value__scope__rules_item__operations_item == 'UPDATE' or isinstance(data__policies_value__scope__rules_item__operations_item, str) and data__policies_value__scope__rules_item__operations_item == 'DELETE' or isinstance(data__policies_value__scope__rules_item__operations_item, str) and data__policies_value__scope__rules_item__operations_item == 'CONNECT' or isinstance(data__policies_value__scope__rules_item__operations_item, str) and data__policies_value__scope__rules_item__operations_item == '*'):
                                                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.rules[{data__policies_value__scope__rules_x}].operations[{data__policies_value__scope__rules_item__operations_x}]".format(**locals()) + " must be one of ['CREATE', 'UPDATE', 'DELETE', 'CONNECT', '*']")
                                                    if "apiGroups" in data__policies_value__scope__rules_item_keys:
                                                        data__policies_value__scope__rules_item_keys.remove("apiGroups")
                                                        data__policies_value__scope__rules_item__apiGroups = data__policies_value__scope__rules_item["apiGroups"]
                                                        if not isinstance(data__policies_value__scope__rules_item__apiGroups, (list, tuple)):
                                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.rules[{data__policies_value__scope__rules_x}].apiGroups".format(**locals()) + " must be array")
                                                        data__policies_value__scope__rules_item__apiGroups_is_list = isinstance(data__policies_value__scope__rules_item__apiGroups, (list, tuple))
                                                        if data__policies_value__scope__rules_item__apiGroups_is_list:
                                                            data__policies_value__scope__rules_item__apiGroups_len = len(data__policies_value__scope__rules_item__apiGroups)
                                                            for data__policies_value__scope__rules_item__apiGroups_x, data__policies_value__scope__rules_item__apiGroups_item in enumerate(data__policies_value__scope__rules_item__apiGroups):
                                                                if not isinstance(data__policies_value__scope__rules_item__apiGroups_item, (str)):
                                                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.rules[{data__policies_value__scope__rules_x}].apiGroups[{data__policies_value__scope__rules_item__apiGroups_x}]".format(**locals()) + " must be string")
                                                    if "apiVersions" in data__policies_value__scope__rules_item_keys:
                                                        data__policies_value__scope__rules_item_keys.remove("apiVersions")
                                                        data__policies_value__scope__rules_item__apiVersions = data__policies_value__scope__rules_item["apiVersions"]
                                                        if not isinstance(data__policies_value__scope__rules_item__apiVersions, (list, tuple)):
                                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.rules[{data__policies_value__scope__rules_x}].apiVersions".format(**locals()) + " must be array")
                                                        data__policies_value__scope__rules_item__apiVersions_is_list = isinstance(data__policies_value__scope__rules_item__apiVersions, (list, tuple))
                                                        if data__policies_value__scope__rules_item__apiVersions_is_list:
                                                            data__policies_value__scope__rules_item__apiVersions_len = len(data__policies_value__scope__rules_item__apiVersions)
                                                            for data__policies_value__scope__rules_item__apiVersions_x, data__policies_value__scope__rules_item__apiVersions_item in enumerate(data__policies_value__scope__rules_item__apiVersions):
                                                                if not isinstance(data__policies_value__scope__rules_item__apiVersions_item, (str)):
                                                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.rules[{data__policies_value__scope__rules_x}].apiVersions[{data__policies_value__scope__rules_item__apiVersions_x}]".format(**locals()) + " must be string")
                                                    if "resources" in data__policies_value__scope__rules_item_keys:
                                                        data__policies_value__scope__rules_item_keys.remove("resources")
                                                        data__policies_value__scope__rules_item__resources = data__policies_value__scope__rules_item["resources"]
                                                        if not isinstance(data__policies_value__scope__rules_item__resources, (list, tuple)):
                                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.rules[{data__policies_value__scope__rules_x}].resources".format(**locals()) + " must be array")
                                                        data__policies_value__scope__rules_item__resources_is_list = isinstance(data__policies_value__scope__rules_item__resources, (list, tuple))
                                                        if data__policies_value__scope__rules_item__resources_is_list:
                                                            data__policies_value__scope__rules_item__resources_len = len(data__policies_value__scope__rules_item__resources)
                                                            for data__policies_value__scope__rules_item__resources_x, data__policies_value__scope__rules_item__resources_item in enumerate(data__policies_value__scope__rules_item__resources):
                                                                if not isinstance(data__policies_value__scope__rules_item__resources_item, (str)):
                                                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.rules[{data__policies_value__scope__rules_x}].resources[{data__policies_value__scope__rules_item__resources_x}]".format(**locals()) + " must be string")
                                                    if "scope" in data__policies_value__scope__rules_item_keys:
                                                        data__policies_value__scope__rules_item_keys.remove("scope")
                                                        data__policies_value__scope__rules_item__scope = data__policies_value__scope__rules_item["scope"]
                                                        if not (isinstance(data__policies_value__scope__rules_item__scope, str) and data__policies_value__scope__rules_item__scope == 'Cluster' or isinstance(data__policies_value__scope__rules_item__scope, str) and data__policies_value__scope__rules_item__scope == 'Namespaced' or isinstance(data__policies_value__scope__rules_item__scope, str) and data__policies_value__scope__rules_item__scope == '*'):
                                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.rules[{data__policies_value__scope__rules_x}].scope".format(**locals()) + " must be one of ['Cluster', 'Namespaced', '*']")
                                                    if data__policies_value__scope__rules_item_keys:
                                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.rules[{data__policies_value__scope__rules_x}]".format(**locals()) + " must not contain "+str(data__policies_value__scope__rules_item_keys)+" properties")
                                    if "namespace" in data__policies_value__scope_keys:
                                        data__policies_value__scope_keys.remove("namespace")
                                        data__policies_value__scope__namespace = data__policies_value__scope["namespace"]
                                        if not isinstance(data__policies_value__scope__namespace, (str)):
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.namespace".format(**locals()) + " must be string")
                                        if isinstance(data__policies_value__scope__namespace, str):
                                            data__policies_value__scope__namespace_len = len(data__policies_value__scope__namespace)
                                            if data__policies_value__scope__namespace_len < 1:
                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.namespace".format(**locals()) + " must be longer than or equal to 1 characters")
                                    if "namespaceSelector" in data__policies_value__scope_keys:
                                        data__policies_value__scope_keys.remove("namespaceSelector")
                                        data__policies_value__scope__namespaceSelector = data__policies_value__scope["namespaceSelector"]
                                        if not isinstance(data__policies_value__scope__namespaceSelector, (dict)):
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.namespaceSelector".format(**locals()) + " must be object")
                                        data__policies_value__scope__namespaceSelector_is_dict = isinstance(data__policies_value__scope__namespaceSelector, dict)
                                        if data__policies_value__scope__namespaceSelector_is_dict:
                                            data__policies_value__scope__namespaceSelector_keys = set(data__policies_value__scope__namespaceSelector.keys())
                                            if "matchLabels" in data__policies_value__scope__namespaceSelector_keys:
                                                data__policies_value__scope__namespaceSelector_keys.remove("matchLabels")
                                                data__policies_value__scope__namespaceSelector__matchLabels = data__policies_value__scope__namespaceSelector["matchLabels"]
                                                if not isinstance(data__policies_value__scope__namespaceSelector__matchLabels, (dict)):
                                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.namespaceSelector.matchLabels".format(**locals()) + " must be object")
                                                data__policies_value__scope__namespaceSelector__matchLabels_is_dict = isinstance(data__policies_value__scope__namespaceSelector__matchLabels, dict)
                                                if data__policies_value__scope__namespaceSelector__matchLabels_is_dict:
                                                    data__policies_value__scope__namespaceSelector__matchLabels_keys = set(data__policies_value__scope__namespaceSelector__matchLabels.keys())
                                                    for data__policies_value__scope__namespaceSelector__matchLabels_key in data__policies_value__scope__namespaceSelector__matchLabels_keys:
                                                        if data__policies_value__scope__namespaceSelector__matchLabels_key not in []:
                                                            data__policies_value__scope__namespaceSelector__matchLabels_value = data__policies_value__scope__namespaceSelector__matchLabels.get(data__policies_value__scope__namespaceSelector__matchLabels_key)
                                                            if not isinstance(data__policies_value__scope__namespaceSelector__matchLabels_value, (str)):
                                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.namespaceSelector.matchLabels.{data__policies_value__scope__namespaceSelector__matchLabels_key}".format(**locals()) + " must be string")
                                            if "matchExpressions" in data__policies_value__scope__namespaceSelector_keys:
                                                data__policies_value__scope__namespaceSelector_keys.remove("matchExpressions")
                                                data__policies_value__scope__namespaceSelector__matchExpressions = data__policies_value__scope__namespaceSelector["matchExpressions"]
                                                if not isinstance(data__policies_value__scope__namespaceSelector__matchExpressions, (list, tuple)):
                                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.namespaceSelector.matchExpressions".format(**locals()) + " must be array")
                                                data__policies_value__scope__namespaceSelector__matchExpressions_is_list = isinstance(data__policies_value__scope__namespaceSelector__matchExpressions, (list, tuple))
                                                if data__policies_value__scope__namespaceSelector__matchExpressions_is_list:
                                                    data__policies_value__scope__namespaceSelector__matchExpressions_len = len(data__policies_value__scope__namespaceSelector__matchExpressions)
                                                    for data__policies_value__scope__namespaceSelector__matchExpressions_x, data__policies_value__scope__namespaceSelector__matchExpressions_item in enumerate(data__policies_value__scope__namespaceSelector__matchExpressions):
                                                        if not isinstance(data__policies_value__scope__namespaceSelector__matchExpressions_item, (dict)):
                                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.namespaceSelector.matchExpressions[{data__policies_value__scope__namespaceSelector__matchExpressions_x}]".format(**locals()) + " must be object")
                                                        data__policies_value__scope__namespaceSelector__matchExpressions_item_is_dict = isinstance(data__policies_value__scope__namespaceSelector__matchExpressions_item, dict)
                                                        if data__policies_value__scope__namespaceSelector__matchExpressions_item_is_dict:
                                                            data__policies_value__scope__namespaceSelector__matchExpressions_item__missing_keys = set(['key', 'operator']) - data__policies_value__scope__namespaceSelector__matchExpressions_item.keys()
                                                            if data__policies_value__scope__namespaceSelector__matchExpressions_item__missing_keys:
                                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.namespaceSelector.matchExpressions[{data__policies_value__scope__namespaceSelector__matchExpressions_x}]".format(**locals()) + " must contain ")
                                                            data__policies_value__scope__namespaceSelector__matchExpressions_item_keys = set(data__policies_value__scope__namespaceSelector__matchExpressions_item.keys())
                                                            if "key" in data__policies_value__scope__namespaceSelector__matchExpressions_item_keys:
                                                                data__policies_value__scope__namespaceSelector__matchExpressions_item_keys.remove("key")
                                                                data__policies_value__scope__namespaceSelector__matchExpressions_item__key = data__policies_value__scope__namespaceSelector__matchExpressions_item["key"]
                                                                if not isinstance(data__policies_value__scope__namespaceSelector__matchExpressions_item__key, (str)):
                                                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.namespaceSelector.matchExpressions[{data__policies_value__scope__namespaceSelector__matchExpressions_x}].key".format(**locals()) + " must be string")
                                                            if "operator" in data__policies_value__scope__namespaceSelector__matchExpressions_item_keys:
                                                                data__policies_value__scope__namespaceSelector__matchExpressions_item_keys.remove("operator")
                                                                data__policies_value__scope__namespaceSelector__matchExpressions_item__operator = data__policies_value__scope__namespaceSelector__matchExpressions_item["operator"]
                                                                if not (isinstance(data__policies_value__scope__namespaceSelector__matchExpressions_item__operator, str) and data__policies_value__scope__namespaceSelector__matchExpressions_item__operator == 'In' or isinstance(data__policies_value__scope__namespaceSelector__matchExpressions_item__operator, str) and data__policies_value__scope__namespaceSelector__matchExpressions_item__operator == 'NotIn' or isinstance(data__policies_value__scope__namespaceSelector__matchExpressions_item__operator, str) and data__policies_value__scope__namespaceSelector__matchExpressions_item__operator == 'Exists' or isinstance(data__policies_value__scope__namespaceSelector__matchExpressions_item__operator, str) and data__policies_value__scope__namespaceSelector__matchExpressions_item__operator == 'DoesNotExist'):
                                                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.namespaceSelector.matchExpressions[{data__policies_value__scope__namespaceSelector__matchExpressions_x}].operator".format(**locals()) + " must be one of ['In', 'NotIn', 'Exists', 'DoesNotExist']")
                                                            if "values" in data__policies_value__scope__namespaceSelector__matchExpressions_item_keys:
                                                                data__policies_value__scope__namespaceSelector__matchExpressions_item_keys.remove("values")
                                                                data__policies_value__scope__namespaceSelector__matchExpressions_item__values = data__policies_value__scope__namespaceSelector__matchExpressions_item["values"]
                                                                if not isinstance(data__policies_value__scope__namespaceSelector__matchExpressions_item__values, (list, tuple)):
                                                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.namespaceSelector.matchExpressions[{data__policies_value__scope__namespaceSelector__matchExpressions_x}].values".format(**locals()) + " must be array")
                                                                data__policies_value__scope__namespaceSelector__matchExpressions_item__values_is_list = isinstance(data__policies_value__scope__namespaceSelector__matchExpressions_item__values, (list, tuple))
                                                                if data__policies_value__scope__namespaceSelector__matchExpressions_item__values_is_list:
                                                                    data__policies_value__scope__namespaceSelector__matchExpressions_item__values_len = len(data__policies_value__scope__namespaceSelector__matchExpressions_item__values)
                                                                    for data__policies_value__scope__namespaceSelector__matchExpressions_item__values_x, data__policies_value__scope__namespaceSelector__matchExpressions_item__values_item in enumerate(data__policies_value__scope__namespaceSelector__matchExpressions_item__values):
                                                                        if not isinstance(data__policies_value__scope__namespaceSelector__matchExpressions_item__values_item, (str)):
                                                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.namespaceSelector.matchExpressions[{data__policies_value__scope__namespaceSelector__matchExpressions_x}].values[{data__policies_value__scope__namespaceSelector__matchExpressions_item__values_x}]".format(**locals()) + " must be string")
                                                            if data__policies_value__scope__namespaceSelector__matchExpressions_item_keys:
                                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.namespaceSelector.matchExpressions[{data__policies_value__scope__namespaceSelector__matchExpressions_x}]".format(**locals()) + " must not contain "+str(data__policies_value__scope__namespaceSelector__matchExpressions_item_keys)+" properties")
                                            if data__policies_value__scope__namespaceSelector_keys:
                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.namespaceSelector".format(**locals()) + " must not contain "+str(data__policies_value__scope__namespaceSelector_keys)+" properties")
                                    if "objectSelector" in data__policies_value__scope_keys:
                                        data__policies_value__scope_keys.remove("objectSelector")
                                        data__policies_value__scope__objectSelector = data__policies_value__scope["objectSelector"]
                                        if not isinstance(data__policies_value__scope__objectSelector, (dict)):
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.objectSelector".format(**locals()) + " must be object")
                                        data__policies_value__scope__objectSelector_is_dict = isinstance(data__policies_value__scope__objectSelector, dict)
                                        if data__policies_value__scope__objectSelector_is_dict:
                                            data__policies_value__scope__objectSelector_keys = set(data__policies_value__scope__objectSelector.keys())
                                            if "matchLabels" in data__policies_value__scope__objectSelector_keys:
                                                data__policies_value__scope__objectSelector_keys.remove("matchLabels")
                                                data__policies_value__scope__objectSelector__matchLabels = data__policies_value__scope__objectSelector["matchLabels"]
                                                if not isinstance(data__policies_value__scope__objectSelector__matchLabels, (dict)):
                                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.objectSelector.matchLabels".format(**locals()) + " must be object")
                                                data__policies_value__scope__objectSelector__matchLabels_is_dict = isinstance(data__policies_value__scope__objectSelector__matchLabels, dict)
                                                if data__policies_value__scope__objectSelector__matchLabels_is_dict:
                                                    data__policies_value__scope__objectSelector__matchLabels_keys = set(data__policies_value__scope__objectSelector__matchLabels.keys())
                                                    for data__policies_value__scope__objectSelector__matchLabels_key in data__policies_value__scope__objectSelector__matchLabels_keys:
                                                        if data__policies_value__scope__objectSelector__matchLabels_key not in []:
                                                            data__policies_value__scope__objectSelector__matchLabels_value = data__policies_value__scope__objectSelector__matchLabels.get(data__policies_value__scope__objectSelector__matchLabels_key)
                                                            if not isinstance(data__policies_value__scope__objectSelector__matchLabels_value, (str)):
                                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.objectSelector.matchLabels.{data__policies_value__scope__objectSelector__matchLabels_key}".format(**locals()) + " must be string")
                                            if "matchExpressions" in data__policies_value__scope__objectSelector_keys:
                                                data__policies_value__scope__objectSelector_keys.remove("matchExpressions")
                                                data__policies_value__scope__objectSelector__matchExpressions = data__policies_value__scope__objectSelector["matchExpressions"]
                                                if not isinstance(data__policies_value__scope__objectSelector__matchExpressions, (list, tuple)):
                                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.objectSelector.matchExpressions".format(**locals()) + " must be array")
                                                data__policies_value__scope__objectSelector__matchExpressions_is_list = isinstance(data__policies_value__scope__objectSelector__matchExpressions, (list, tuple))
                                                if data__policies_value__scope__objectSelector__matchExpressions_is_list:
                                                    data__policies_value__scope__objectSelector__matchExpressions_len = len(data__policies_value__scope__objectSelector__matchExpressions)
                                                    for data__policies_value__scope__objectSelector__matchExpressions_x, data__policies_value__scope__objectSelector__matchExpressions_item in enumerate(data__policies_value__scope__objectSelector__matchExpressions):
                                                        if not isinstance(data__policies_value__scope__objectSelector__matchExpressions_item, (dict)):
                                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.objectSelector.matchExpressions[{data__policies_value__scope__objectSelector__matchExpressions_x}]".format(**locals()) + " must be object")
                                                        data__policies_value__scope__objectSelector__matchExpressions_item_is_dict = isinstance(data__policies_value__scope__objectSelector__matchExpressions_item, dict)
                                                        if data__policies_value__scope__objectSelector__matchExpressions_item_is_dict:
                                                            data__policies_value__scope__objectSelector__matchExpressions_item__missing_keys = set(['key', 'operator']) - data__policies_value__scope__objectSelector__matchExpressions_item.keys()
                                                            if data__policies_value__scope__objectSelector__matchExpressions_item__missing_keys:
                                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.objectSelector.matchExpressions[{data__policies_value__scope__objectSelector__matchExpressions_x}]".format(**locals()) + " must contain ")
                                                            data__policies_value__scope__objectSelector__matchExpressions_item_keys = set(data__policies_value__scope__objectSelector__matchExpressions_item.keys())
                                                            if "key" in data__policies_value__scope__objectSelector__matchExpressions_item_keys:
                                                                data__policies_value__scope__objectSelector__matchExpressions_item_keys.remove("key")
                                                                data__policies_value__scope__objectSelector__matchExpressions_item__key = data__policies_value__scope__objectSelector__matchExpressions_item["key"]
                                                                if not isinstance(data__policies_value__scope__objectSelector__matchExpressions_item__key, (str)):
                                                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.objectSelector.matchExpressions[{data__policies_value__scope__objectSelector__matchExpressions_x}].key".format(**locals()) + " must be string")
                                                            if "operator" in data__policies_value__scope__objectSelector__matchExpressions_item_keys:
                                                                data__policies_value__scope__objectSelector__matchExpressions_item_keys.remove("operator")
                                                                data__policies_value__scope__objectSelector__matchExpressions_item__operator = data__policies_value__scope__objectSelector__matchExpressions_item["operator"]
                                                                if not (isinstance(data__policies_value__scope__objectSelector__matchExpressions_item__operator, str) and data__policies_value__scope__objectSelector__matchExpressions_item__operator == 'In' or isinstance(data__policies_value__scope__objectSelector__matchExpressions_item__operator, str) and data__policies_value__scope__objectSelector__matchExpressions_item__operator == 'NotIn' or isinstance(data__policies_value__scope__objectSelector__matchExpressions_item__operator, str) and data__policies_value__scope__objectSelector__matchExpressions_item__operator == 'Exists' or isinstance(data__policies_value__scope__objectSelector__matchExpressions_item__operator, str) and data__policies_value__scope__objectSelector__matchExpressions_item__operator == 'DoesNotExist'):
                                                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.objectSelector.matchExpressions[{data__policies_value__scope__objectSelector__matchExpressions_x}].operator".format(**locals()) + " must be one of ['In', 'NotIn', 'Exists', 'DoesNotExist']")
                                                            if "values" in data__policies_value__scope__objectSelector__matchExpressions_item_keys:
                                                                data__policies_value__scope__objectSelector__matchExpressions_item_keys.remove("values")
                                                                data__policies_value__scope__objectSelector__matchExpressions_item__values = data__policies_value__scope__objectSelector__matchExpressions_item["values"]
                                                                if not isinstance(data__policies_value__scope__objectSelector__matchExpressions_item__values, (list, tuple)):
                                                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.objectSelector.matchExpressions[{data__policies_value__scope__objectSelector__matchExpressions_x}].values".format(**locals()) + " must be array")
                                                                data__policies_value__scope__objectSelector__matchExpressions_item__values_is_list = isinstance(data__policies_value__scope__objectSelector__matchExpressions_item__values, (list, tuple))
                                                                if data__policies_value__scope__objectSelector__matchExpressions_item__values_is_list:
                                                                    data__policies_value__scope__objectSelector__matchExpressions_item__values_len = len(data__policies_value__scope__objectSelector__matchExpressions_item__values)
                                                                    for data__policies_value__scope__objectSelector__matchExpressions_item__values_x, data__policies_value__scope__objectSelector__matchExpressions_item__values_item in enumerate(data__policies_value__scope__objectSelector__matchExpressions_item__values):
                                                                        if not isinstance(data__policies_value__scope__objectSelector__matchExpressions_item__values_item, (str)):
                                                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.objectSelector.matchExpressions[{data__policies_value__scope__objectSelector__matchExpressions_x}].values[{data__policies_value__scope__objectSelector__matchExpressions_item__values_x}]".format(**locals()) + " must be string")
                                                            if data__policies_value__scope__objectSelector__matchExpressions_item_keys:
                                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.objectSelector.matchExpressions[{data__policies_value__scope__objectSelector__matchExpressions_x}]".format(**locals()) + " must not contain "+str(data__policies_value__scope__objectSelector__matchExpressions_item_keys)+" properties")
                                            if data__policies_value__scope__objectSelector_keys:
                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.objectSelector".format(**locals()) + " must not contain "+str(data__policies_value__scope__objectSelector_keys)+" properties")
                                    if "matchConditions" in data__policies_value__scope_keys:
                                        data__policies_value__scope_keys.remove("matchConditions")
                                        data__policies_value__scope__matchConditions = data__policies_value__scope["matchConditions"]
                                        if not isinstance(data__policies_value__scope__matchConditions, (list, tuple)):
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.matchConditions".format(**locals()) + " must be array")
                                        data__policies_value__scope__matchConditions_is_list = isinstance(data__policies_value__scope__matchConditions, (list, tuple))
                                        if data__policies_value__scope__matchConditions_is_list:
                                            data__policies_value__scope__matchConditions_len = len(data__policies_value__scope__matchConditions)
                                            for data__policies_value__scope__matchConditions_x, data__policies_value__scope__matchConditions_item in enumerate(data__policies_value__scope__matchConditions):
                                                if not isinstance(data__policies_value__scope__matchConditions_item, (dict)):
                                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.matchConditions[{data__policies_value__scope__matchConditions_x}]".format(**locals()) + " must be object")
                                                data__policies_value__scope__matchConditions_item_is_dict = isinstance(data__policies_value__scope__matchConditions_item, dict)
                                                if data__policies_value__scope__matchConditions_item_is_dict:
                                                    data__policies_value__scope__matchConditions_item__missing_keys = set(['name', 'expression']) - data__policies_value__scope__matchConditions_item.keys()
                                                    if data__policies_value__scope__matchConditions_item__missing_keys:
                                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.matchConditions[{data__policies_value__scope__matchConditions_x}]".format(**locals()) + " must contain ")
                                                    data__policies_value__scope__matchConditions_item_keys = set(data__policies_value__scope__matchConditions_item.keys())
                                                    if "name" in data__policies_value__scope__matchConditions_item_keys:
                                                        data__policies_value__scope__matchConditions_item_keys.remove("name")
                                                        data__policies_value__scope__matchConditions_item__name = data__policies_value__scope__matchConditions_item["name"]
                                                        if not isinstance(data__policies_value__scope__matchConditions_item__name, (str)):
                                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.matchConditions[{data__policies_value__scope__matchConditions_x}].name".format(**locals()) + " must be string")
                                                    if "expression" in data__policies_value__scope__matchConditions_item_keys:
                                                        data__policies_value__scope__matchConditions_item_keys.remove("expression")
                                                        data__policies_value__scope__matchConditions_item__expression = data__policies_value__scope__matchConditions_item["expression"]
                                                        if not isinstance(data__policies_value__scope__matchConditions_item__expression, (str)):
                                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.matchConditions[{data__policies_value__scope__matchConditions_x}].expression".format(**locals()) + " must be string")
                                                        if isinstance(data__policies_value__scope__matchConditions_item__expression, str):
                                                            data__policies_value__scope__matchConditions_item__expression_len = len(data__policies_value__scope__matchConditions_item__expression)
                                                            if data__policies_value__scope__matchConditions_item__expression_len < 1:
                                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.matchConditions[{data__policies_value__scope__matchConditions_x}].expression".format(**locals()) + " must be longer than or equal to 1 characters")
                                                    if data__policies_value__scope__matchConditions_item_keys:
                                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.matchConditions[{data__policies_value__scope__matchConditions_x}]".format(**locals()) + " must not contain "+str(data__policies_value__scope__matchConditions_item_keys)+" properties")
                                    if "failurePolicy" in data__policies_value__scope_keys:
                                        data__policies_value__scope_keys.remove("failurePolicy")
                                        data__policies_value__scope__failurePolicy = data__policies_value__scope["failurePolicy"]
                                        if not (isinstance(data__policies_value__scope__failurePolicy, str) and data__policies_value__scope__failurePolicy == 'Fail' or isinstance(data__policies_value__scope__failurePolicy, str) and data__policies_value__scope__failurePolicy == 'Ignore'):
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope.failurePolicy".format(**locals()) + " must be one of ['Fail', 'Ignore']")
                                    if data__policies_value__scope_keys:
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.scope".format(**locals()) + " must not contain "+str(data__policies_value__scope_keys)+" properties")
                            if "checkScope" in data__policies_value_keys:
                                data__policies_value_keys.remove("checkScope")
                                data__policies_value__checkScope = data__policies_value["checkScope"]
                                if not isinstance(data__policies_value__checkScope, (bool)):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}.checkScope".format(**locals()) + " must be boolean")
                            if data__policies_value_keys:
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies.{data__policies_key}".format(**locals()) + " must not contain "+str(data__policies_value_keys)+" properties")
                if data__policies_len != 0:
                    data__policies_property_names = True
                    for data__policies_key in data__policies:
                        try:
                            if not isinstance(data__policies_key, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies must be string")
                            if isinstance(data__policies_key, str):
                                data__policies_key_len = len(data__policies_key)
                                if data__policies_key_len > 200:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies must be shorter than or equal to 200 characters")
                                if not REGEX_PATTERNS['^[A-Za-z0-9][A-Za-z0-9_.:/@+-]*$'].search(data__policies_key):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies must match pattern ^[A-Za-z0-9][A-Za-z0-9_.:/@+-]*$")
                        except (JsonSchemaValueException, JsonSchemaValuesException):
                            data__policies_property_names = False
                    if not data__policies_property_names:
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".policies must be named by propertyName definition")
        if "cases" in data_keys:
            data_keys.remove("cases")
            data__cases = data["cases"]
            if not isinstance(data__cases, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases must be array")
            data__cases_is_list = isinstance(data__cases, (list, tuple))
            if data__cases_is_list:
                data__cases_len = len(data__cases)
                for data__cases_x, data__cases_item in enumerate(data__cases):
                    if not isinstance(data__cases_item, (dict)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}]".format(**locals()) + " must be object")
                    data__cases_item_is_dict = isinstance(data__cases_item, dict)
                    if data__cases_item_is_dict:
                        data__cases_item__missing_keys = set(['id', 'expect']) - data__cases_item.keys()
                        if data__cases_item__missing_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}]".format(**locals()) + " must contain ")
                        data__cases_item_keys = set(data__cases_item.keys())
                        if "id" in data__cases_item_keys:
                            data__cases_item_keys.remove("id")
                            data__cases_item__id = data__cases_item["id"]
                            if not isinstance(data__cases_item__id, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].id".format(**locals()) + " must be string")
                            if isinstance(data__cases_item__id, str):
                                data__cases_item__id_len = len(data__cases_item__id)
                                if data__cases_item__id_len > 200:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].id".format(**locals()) + " must be shorter than or equal to 200 characters")
                                if not REGEX_PATTERNS['^[A-Za-z0-9][A-Za-z0-9_.:/@+-]*$'].search(data__cases_item__id):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].id".format(**locals()) + " must match pattern ^[A-Za-z0-9][A-Za-z0-9_.:/@+-]*$")
                        if "description" in data__cases_item_keys:
                            data__cases_item_keys.remove("description")
                            data__cases_item__description = data__cases_item["description"]
                            if not isinstance(data__cases_item__description, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].description".format(**locals()) + " must be string")
                        if "policy" in data__cases_item_keys:
                            data__cases_item_keys.remove("policy")
                            data__cases_item__policy = data__cases_item["policy"]
                            if not isinstance(data__cases_item__policy, (str, list, tuple)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].policy".format(**locals()) + " must be string or array")
                            if isinstance(data__cases_item__policy, str):
                                data__cases_item__policy_len = len(data__cases_item__policy)
                                if data__cases_item__policy_len > 200:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].policy".format(**locals()) + " must be shorter than or equal to 200 characters")
                                if not REGEX_PATTERNS['^[A-Za-z0-9][A-Za-z0-9_.:/@+-]*$'].search(data__cases_item__policy):
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].policy".format(**locals()) + " must match pattern ^[A-Za-z0-9][A-Za-z0-9_.:/@+-]*$")
                            data__cases_item__policy_is_list = isinstance(data__cases_item__policy, (list, tuple))
                            if data__cases_item__policy_is_list:
                                data__cases_item__policy_len = len(data__cases_item__policy)
                                if data__cases_item__policy_len < 1:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].policy".format(**locals()) + " must contain at least 1 items")
                                for data__cases_item__policy_x, data__cases_item__policy_item in enumerate(data__cases_item__policy):
                                    if not isinstance(data__cases_item__policy_item, (str)):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].policy[{data__cases_item__policy_x}]".format(**locals()) + " must be string")
                                    if isinstance(data__cases_item__policy_item, str):
                                        data__cases_item__policy_item_len = len(data__cases_item__policy_item)
                                        if data__cases_item__policy_item_len > 200:
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].policy[{data__cases_item__policy_x}]".format(**locals()) + " must be shorter than or equal to 200 characters")
                                        if not REGEX_PATTERNS['^[A-Za-z0-9][A-Za-z0-9_.:/@+-]*$'].search(data__cases_item__policy_item):
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].policy[{data__cases_item__policy_x}]".format(**locals()) + " must match pattern ^[A-Za-z0-9][A-Za-z0-9_.:/@+-]*$")
                        if "request" in data__cases_item_keys:
                            data__cases_item_keys.remove("request")
                            data__cases_item__request = data__cases_item["request"]
                            if not isinstance(data__cases_item__request, (str, dict)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].request".format(**locals()) + " must be string or object")
                            if isinstance(data__cases_item__request, str):
                                data__cases_item__request_len = len(data__cases_item__request)
                                if data__cases_item__request_len < 1:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].request".format(**locals()) + " must be longer than or equal to 1 characters")
                        if "object" in data__cases_item_keys:
                            data__cases_item_keys.remove("object")
                            data__cases_item__object = data__cases_item["object"]
                            if not isinstance(data__cases_item__object, (str, dict)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].object".format(**locals()) + " must be string or object")
                            if isinstance(data__cases_item__object, str):
                                data__cases_item__object_len = len(data__cases_item__object)
                                if data__cases_item__object_len < 1:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].object".format(**locals()) + " must be longer than or equal to 1 characters")
                        if "oldObject" in data__cases_item_keys:
                            data__cases_item_keys.remove("oldObject")
                            data__cases_item__oldObject = data__cases_item["oldObject"]
                            if not isinstance(data__cases_item__oldObject, (str, dict)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].oldObject".format(**locals()) + " must be string or object")
                            if isinstance(data__cases_item__oldObject, str):
                                data__cases_item__oldObject_len = len(data__cases_item__oldObject)
                                if data__cases_item__oldObject_len < 1:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].oldObject".format(**locals()) + " must be longer than or equal to 1 characters")
                        if "operation" in data__cases_item_keys:
                            data__cases_item_keys.remove("operation")
                            data__cases_item__operation = data__cases_item["operation"]
                            if not (isinstance(data__cases_item__operation, str) and data__cases_item__operation == 'CREATE' or isinstance(data__cases_item__operation, str) and data__cases_item__operation == 'UPDATE' or isinstance(data__cases_item__operation, str) and data__cases_item__operation == 'DELETE' or isinstance(data__cases_item__operation, str) and data__cases_item__operation == 'CONNECT'):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].operation".format(**locals()) + " must be one of ['CREATE', 'UPDATE', 'DELETE', 'CONNECT']")
                        if "namespace" in data__cases_item_keys:
                            data__cases_item_keys.remove("namespace")
                            data__cases_item__namespace = data__cases_item["namespace"]
                            if not isinstance(data__cases_item__namespace, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].namespace".format(**locals()) + " must be string")
                        if "name" in data__cases_item_keys:
                            data__cases_item_keys.remove("name")
                            data__cases_item__name = data__cases_item["name"]
                            if not isinstance(data__cases_item__name, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].name".format(**locals()) + " must be string")
                        if "resource" in data__cases_item_keys:
                            data__cases_item_keys.remove("resource")
                            data__cases_item__resource = data__cases_item["resource"]
                            if not isinstance(data__cases_item__resource, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].resource".format(**locals()) + " must be string")
                            if isinstance(data__cases_item__resource, str):
                                data__cases_item__resource_len = len(data__cases_item__resource)
                                if data__cases_item__resource_len < 1:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].resource".format(**locals()) + " must be longer than or equal to 1 characters")
                        if "subresource" in data__cases_item_keys:
                            data__cases_item_keys.remove("subresource")
                            data__cases_item__subresource = data__cases_item["subresource"]
                            if not isinstance(data__cases_item__subresource, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].subresource".format(**locals()) + " must be string")
                            if isinstance(data__cases_item__subresource, str):
                                data__cases_item__subresource_len = len(data__cases_item__subresource)
                                if data__cases_item__subresource_len < 1:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].subresource".format(**locals()) + " must be longer than or equal to 1 characters")
                        if "userInfo" in data__cases_item_keys:
                            data__cases_item_keys.remove("userInfo")
                            data__cases_item__userInfo = data__cases_item["userInfo"]
                            if not isinstance(data__cases_item__userInfo, (dict)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].userInfo".format(**locals()) + " must be object")
                        if "dryRun" in data__cases_item_keys:
                            data__cases_item_keys.remove("dryRun")
                            data__cases_item__dryRun = data__cases_item["dryRun"]
                            if not isinstance(data__cases_item__dryRun, (bool)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].dryRun".format(**locals()) + " must be boolean")
                        if "settings" in data__cases_item_keys:
                            data__cases_item_keys.remove("settings")
                            data__cases_item__settings = data__cases_item["settings"]
                            if not isinstance(data__cases_item__settings, (str, dict)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].settings".format(**locals()) + " must be string or object")
                            if isinstance(data__cases_item__settings, str):
                                data__cases_item__settings_len = len(data__cases_item__settings)
                                if data__cases_item__settings_len < 1:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].settings".format(**locals()) + " must be longer than or equal to 1 characters")
                        if "expect" in data__cases_item_keys:
                            data__cases_item_keys.remove("expect")
                            data__cases_item__expect = data__cases_item["expect"]
                            if not (isinstance(data__cases_item__expect, str) and data__cases_item__expect == 'allowed' or isinstance(data__cases_item__expect, str) and data__cases_item__expect == 'accepted' or isinstance(data__cases_item__expect, str) and data__cases_item__expect == 'rejected' or isinstance(data__cases_item__expect, str) and data__cases_item__expect == 'mutated' or isinstance(data__cases_item__expect, str) and data__cases_item__expect == 'skipped' or isinstance(data__cases_item__expect, str) and data__cases_item__expect == 'settings-error' or isinstance(data__cases_item__expect, str) and data__cases_item__expect == 'error'):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].expect".format(**locals()) + " must be one of ['allowed', 'accepted', 'rejected', 'mutated', 'skipped', 'settings-error', 'error']")
                        if "message" in data__cases_item_keys:
                            data__cases_item_keys.remove("message")
                            data__cases_item__message = data__cases_item["message"]
                            if not isinstance(data__cases_item__message, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].message".format(**locals()) + " must be string")
                        if "code" in data__cases_item_keys:
                            data__cases_item_keys.remove("code")
                            data__cases_item__code = data__cases_item["code"]
                            if not isinstance(data__cases_item__code, (int)) and not (isinstance(data__cases_item__code, float) and data__cases_item__code.is_integer()) or isinstance(data__cases_item__code, bool):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].code".format(**locals()) + " must be integer")
                            if isinstance(data__cases_item__code, (int, float, Decimal)) and not isinstance(data__cases_item__code, bool):
                                if data__cases_item__code < 100:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].code".format(**locals()) + " must be bigger than or equal to 100")
                                if data__cases_item__code > 599:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].code".format(**locals()) + " must be smaller than or equal to 599")
                        if "warnings" in data__cases_item_keys:
                            data__cases_item_keys.remove("warnings")
                            data__cases_item__warnings = data__cases_item["warnings"]
                            if not isinstance(data__cases_item__warnings, (list, tuple)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].warnings".format(**locals()) + " must be array")
                            data__cases_item__warnings_is_list = isinstance(data__cases_item__warnings, (list, tuple))
                            if data__cases_item__warnings_is_list:
                                data__cases_item__warnings_len = len(data__cases_item__warnings)
                                for data__cases_item__warnings_x, data__cases_item__warnings_item in enumerate(data__cases_item__warnings):
                                    if not isinstance(data__cases_item__warnings_item, (str)):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].warnings[{data__cases_item__warnings_x}]".format(**locals()) + " must be string")
                        if "patched" in data__cases_item_keys:
                            data__cases_item_keys.remove("patched")
                            data__cases_item__patched = data__cases_item["patched"]
                            if not isinstance(data__cases_item__patched, (str, dict)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].patched".format(**locals()) + " must be string or object")
                            if isinstance(data__cases_item__patched, str):
                                data__cases_item__patched_len = len(data__cases_item__patched)
                                if data__cases_item__patched_len < 1:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].patched".format(**locals()) + " must be longer than or equal to 1 characters")
                        if "patch" in data__cases_item_keys:
                            data__cases_item_keys.remove("patch")
                            data__cases_item__patch = data__cases_item["patch"]
                            if not isinstance(data__cases_item__patch, (str, list, tuple)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].patch".format(**locals()) + " must be string or array")
                            if isinstance(data__cases_item__patch, str):
                                data__cases_item__patch_len = len(data__cases_item__patch)
                                if data__cases_item__patch_len < 1:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].patch".format(**locals()) + " must be longer than or equal to 1 characters")
                            data__cases_item__patch_is_list = isinstance(data__cases_item__patch, (list, tuple))
                            if data__cases_item__patch_is_list:
                                data__cases_item__patch_len = len(data__cases_item__patch)
                                for data__cases_item__patch_x, data__cases_item__patch_item in enumerate(data__cases_item__patch):
                                    if not isinstance(data__cases_item__patch_item, (dict)):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].patch[{data__cases_item__patch_x}]".format(**locals()) + " must be object")
                        if "tags" in data__cases_item_keys:
                            data__cases_item_keys.remove("tags")
                            data__cases_item__tags = data__cases_item["tags"]
                            if not isinstance(data__cases_item__tags, (list, tuple)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].tags".format(**locals()) + " must be array")
                            data__cases_item__tags_is_list = isinstance(data__cases_item__tags, (list, tuple))
                            if data__cases_item__tags_is_list:
                                data__cases_item__tags_len = len(data__cases_item__tags)
                                for data__cases_item__tags_x, data__cases_item__tags_item in enumerate(data__cases_item__tags):
                                    if not isinstance(data__cases_item__tags_item, (str)):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].tags[{data__cases_item__tags_x}]".format(**locals()) + " must be string")
                                    if isinstance(data__cases_item__tags_item, str):
                                        data__cases_item__tags_item_len = len(data__cases_item__tags_item)
                                        if data__cases_item__tags_item_len < 1:
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].tags[{data__cases_item__tags_x}]".format(**locals()) + " must be longer than or equal to 1 characters")
                        if "assertions" in data__cases_item_keys:
                            data__cases_item_keys.remove("assertions")
                            data__cases_item__assertions = data__cases_item["assertions"]
                            if not isinstance(data__cases_item__assertions, (list, tuple)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].assertions".format(**locals()) + " must be array")
                            data__cases_item__assertions_is_list = isinstance(data__cases_item__assertions, (list, tuple))
                            if data__cases_item__assertions_is_list:
                                data__cases_item__assertions_len = len(data__cases_item__assertions)
                                for data__cases_item__assertions_x, data__cases_item__assertions_item in enumerate(data__cases_item__assertions):
                                    if not isinstance(data__cases_item__assertions_item, (dict)):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].assertions[{data__cases_item__assertions_x}]".format(**locals()) + " must be object")
                                    data__cases_item__assertions_item_is_dict = isinstance(data__cases_item__assertions_item, dict)
                                    if data__cases_item__assertions_item_is_dict:
                                        data__cases_item__assertions_item_keys = set(data__cases_item__assertions_item.keys())
                                        if "violations" in data__cases_item__assertions_item_keys:
                                            data__cases_item__assertions_item_keys.remove("violations")
                                            data__cases_item__assertions_item__violations = data__cases_item__assertions_item["violations"]
                                            data__cases_item__assertions_item__violations_any_of_count1 = 0
                                            if not data__cases_item__assertions_item__violations_any_of_count1:
                                                try:
                                                    if not (isinstance(data__cases_item__assertions_item__violations, str) and data__cases_item__assertions_item__violations == 'yes' or isinstance(data__cases_item__assertions_item__violations, str) and data__cases_item__assertions_item__violations == 'no'):
                                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].assertions[{data__cases_item__assertions_x}].violations".format(**locals()) + " must be one of ['yes', 'no']")
                                                    data__cases_item__assertions_item__violations_any_of_count1 += 1
                                                except (JsonSchemaValueException, JsonSchemaValuesException): pass
                                            if not data__cases_item__assertions_item__violations_any_of_count1:
                                                try:
                                                    if not isinstance(data__cases_item__assertions_item__violations, (int)) and not (isinstance(data__cases_item__assertions_item__violations, float) and data__cases_item__assertions_item__violations.is_integer()) or isinstance(data__cases_item__assertions_item__violations, bool):
                                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].assertions[{data__cases_item__assertions_x}].violations".format(**locals()) + " must be integer")
                                                    if isinstance(data__cases_item__assertions_item__violations, (int, float, Decimal)) and not isinstance(data__cases_item__assertions_item__violations, bool):
                                                        if data__cases_item__assertions_item__violations < 0:
                                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].assertions[{data__cases_item__assertions_x}].violations".format(**locals()) + " must be bigger than or equal to 0")
                                                    data__cases_item__assertions_item__violations_any_of_count1 += 1
                                                except (JsonSchemaValueException, JsonSchemaValuesException): pass
                                            if not data__cases_item__assertions_item__violations_any_of_count1:
                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].assertions[{data__cases_item__assertions_x}].violations".format(**locals()) + " cannot be validated by any definition")
                                        if "message" in data__cases_item__assertions_item_keys:
                                            data__cases_item__assertions_item_keys.remove("message")
                                            data__cases_item__assertions_item__message = data__cases_item__assertions_item["message"]
                                            if not isinstance(data__cases_item__assertions_item__message, (str)):
                                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].assertions[{data__cases_item__assertions_x}].message".format(**locals()) + " must be string")
                                        if data__cases_item__assertions_item_keys:
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].assertions[{data__cases_item__assertions_x}]".format(**locals()) + " must not contain "+str(data__cases_item__assertions_item_keys)+" properties")
                        if "inventory" in data__cases_item_keys:
                            data__cases_item_keys.remove("inventory")
                            data__cases_item__inventory = data__cases_item["inventory"]
                            if not isinstance(data__cases_item__inventory, (list, tuple)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].inventory".format(**locals()) + " must be array")
                            data__cases_item__inventory_is_list = isinstance(data__cases_item__inventory, (list, tuple))
                            if data__cases_item__inventory_is_list:
                                data__cases_item__inventory_len = len(data__cases_item__inventory)
                                for data__cases_item__inventory_x, data__cases_item__inventory_item in enumerate(data__cases_item__inventory):
                                    if not isinstance(data__cases_item__inventory_item, (str, dict)):
                                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].inventory[{data__cases_item__inventory_x}]".format(**locals()) + " must be string or object")
                                    if isinstance(data__cases_item__inventory_item, str):
                                        data__cases_item__inventory_item_len = len(data__cases_item__inventory_item)
                                        if data__cases_item__inventory_item_len < 1:
                                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}].inventory[{data__cases_item__inventory_x}]".format(**locals()) + " must be longer than or equal to 1 characters")
                        if data__cases_item_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".cases[{data__cases_x}]".format(**locals()) + " must not contain "+str(data__cases_item_keys)+" properties")
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties")
    return data