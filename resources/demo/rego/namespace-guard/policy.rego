# namespace-guard — an OPA policy in kube-mgmt style, as Kubewarden's execution mode `opa` runs it.
#
# input = {"request": AdmissionRequest}; data = the policy settings:
#
#   {"forbidden_namespaces": ["default", "kube-system"]}   (default: ["default"])
#
# The entrypoint `policy/main` returns an AdmissionReview; Kubewarden uses its `response`.
# Rego v1 syntax. There is no metadata.yml next to this file, so the workbench guesses the
# execution mode from the rules (no `violation` rule → opa).
package policy

import rego.v1

default forbidden := ["default"]

forbidden := data.forbidden_namespaces if is_array(data.forbidden_namespaces)

deny contains msg if {
	namespace := input.request.namespace
	namespace in forbidden
	msg := sprintf("namespace %s is reserved: create %s %s in a team namespace", [namespace, input.request.kind.kind, input.request.name])
}

deny contains msg if {
	input.request.operation in {"CREATE", "UPDATE"}
	some container in input.request.object.spec.containers
	endswith(container.image, ":latest")
	msg := sprintf("container %s uses the mutable tag :latest", [container.name])
}

response := {
	"uid": input.request.uid,
	"allowed": false,
	"status": {"message": concat("; ", deny)},
} if {
	count(deny) > 0
} else := {
	"uid": input.request.uid,
	"allowed": true,
}

main := {
	"apiVersion": "admission.k8s.io/v1",
	"kind": "AdmissionReview",
	"response": response,
}
