# allowed-registries — a Gatekeeper-style policy (ConstraintTemplate rego, `violation` rule).
#
# Every container, init container and ephemeral container image must start with one of the
# registry prefixes in the constraint's parameters:
#
#   parameters: {"registries": ["registry.example.com/", "ghcr.io/policy-workbench/"]}
#
# Written in Rego v0 syntax, like most of the Gatekeeper policy library, to show that such
# policies run from source as they are. Kubewarden runs it in execution mode `gatekeeper`
# (see metadata.yml): input = {"parameters": settings, "review": AdmissionRequest}.
package k8sallowedregistries

violation[{"msg": msg, "details": {"container": container.name, "image": container.image}}] {
	container := input_containers[_]
	not from_allowed_registry(container.image)
	msg := sprintf("container %v uses image %v from an untrusted registry", [container.name, container.image])
}

violation[{"msg": msg}] {
	not is_array(input.parameters.registries)
	msg := "parameters.registries must be a list of registry prefixes"
}

from_allowed_registry(image) {
	registry := input.parameters.registries[_]
	startswith(image, registry)
}

input_containers[container] {
	container := input.review.object.spec.containers[_]
}

input_containers[container] {
	container := input.review.object.spec.initContainers[_]
}

input_containers[container] {
	container := input.review.object.spec.ephemeralContainers[_]
}
