package sweep

// Kubernetes: one Indexed Job per sweep. Pod i (JOB_COMPLETION_INDEX = i) runs shard i of N and
// appends its file in DIR, a volume every pod mounts. The manifest is written by hand: it uses a
// fixed, small part of the batch/v1 Job API, which the tests decode strictly against k8s.io/api.

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// ErrK8s is wrapped by every error of the Kubernetes manifest generator.
var ErrK8s = errors.New("sweep: k8s")

// K8sMaxCompletions is the largest completions count Kubernetes accepts for an Indexed Job with
// backoffLimitPerIndex.
const K8sMaxCompletions = 100000

// K8sCompletionIndexAnnotation is the pod annotation the Job controller sets to the pod's index.
const K8sCompletionIndexAnnotation = "batch.kubernetes.io/job-completion-index"

// K8sOptions describes the Indexed Job of one sweep. Paths are inside the container.
type K8sOptions struct {
	// Name is the Job's name (a DNS-1123 label of at most 63 characters). Default "sqsim-sweep".
	Name string
	// Namespace, if set, is written into the manifest's metadata.
	Namespace string
	// Image is the container image holding the sqsim binary (required).
	Image string
	// Binary is the sqsim binary's absolute path in the image. Default "/usr/local/bin/sqsim".
	Binary string
	// Spec is the absolute path of the sweep spec in the container.
	Spec string
	// SpecConfigMap, if set, names a ConfigMap mounted read-only at path.Dir(Spec); it must hold
	// the spec under the key path.Base(Spec). If "", the spec must already be in the image or in
	// the output volume.
	SpecConfigMap string
	// Out is DIR, the absolute path where the output volume is mounted.
	Out string
	// PVC is the name of the PersistentVolumeClaim mounted at Out (required; ReadWriteMany when
	// pods run on several nodes).
	PVC string
	// Shards is N: the Job's completions.
	Shards int
	// Parallelism is how many pods run at once; 0 means all N.
	Parallelism int
	// BackoffLimitPerIndex is how many times a failed index is retried before it counts as
	// failed (0: never retried).
	BackoffLimitPerIndex int
	// CPU and Memory, if set, are the container's resource requests (Kubernetes quantities,
	// e.g. "2", "500m", "1Gi").
	CPU, Memory string
	// Run replaces the container's command (default: Binary sweep run Spec --out Out --shard
	// $(JOB_COMPLETION_INDEX)/N; Kubernetes expands $(JOB_COMPLETION_INDEX) from the env).
	Run []string
}

var (
	k8sLabelRE     = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	k8sSubdomainRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	k8sQuantityRE  = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$`)
	k8sConfigKeyRE = regexp.MustCompile(`^[-._a-zA-Z0-9]+$`)
)

func (o K8sOptions) withDefaults() K8sOptions {
	if o.Name == "" {
		o.Name = "sqsim-sweep"
	}
	if o.Binary == "" {
		o.Binary = "/usr/local/bin/sqsim"
	}
	if o.Parallelism == 0 {
		o.Parallelism = o.Shards
	}
	return o
}

func (o K8sOptions) validate() error {
	if len(o.Name) > 63 || !k8sLabelRE.MatchString(o.Name) {
		return fmt.Errorf("%w: name %q, want a DNS-1123 label (lower-case letters, digits, '-', at most 63)", ErrK8s, o.Name)
	}
	if o.Namespace != "" && (len(o.Namespace) > 63 || !k8sLabelRE.MatchString(o.Namespace)) {
		return fmt.Errorf("%w: namespace %q, want a DNS-1123 label", ErrK8s, o.Namespace)
	}
	if o.Image == "" || strings.ContainsAny(o.Image, " \t\n\r\x00") {
		return fmt.Errorf("%w: image %q, want a container image reference", ErrK8s, o.Image)
	}
	for _, p := range []struct{ name, v string }{{"binary", o.Binary}, {"spec", o.Spec}, {"out", o.Out}} {
		if !path.IsAbs(p.v) || strings.ContainsAny(p.v, "\n\r\x00") {
			return fmt.Errorf("%w: %s path %q, want an absolute path in the container", ErrK8s, p.name, p.v)
		}
	}
	if path.Clean(o.Out) == "/" {
		return fmt.Errorf("%w: out %q: the volume cannot be mounted at /", ErrK8s, o.Out)
	}
	if o.PVC == "" || len(o.PVC) > 253 || !k8sSubdomainRE.MatchString(o.PVC) {
		return fmt.Errorf("%w: pvc %q, want a PersistentVolumeClaim name (DNS-1123 subdomain)", ErrK8s, o.PVC)
	}
	if o.SpecConfigMap != "" {
		if len(o.SpecConfigMap) > 253 || !k8sSubdomainRE.MatchString(o.SpecConfigMap) {
			return fmt.Errorf("%w: spec configmap %q, want a ConfigMap name (DNS-1123 subdomain)", ErrK8s, o.SpecConfigMap)
		}
		dir, key := path.Split(o.Spec)
		if !k8sConfigKeyRE.MatchString(key) {
			return fmt.Errorf("%w: spec file name %q is not a valid ConfigMap key", ErrK8s, key)
		}
		if d := path.Clean(dir); d == "/" || d == path.Clean(o.Out) {
			return fmt.Errorf("%w: spec %q: with a ConfigMap its directory is a mount point, so it may not be / or the out directory", ErrK8s, o.Spec)
		}
	}
	if o.Shards < 1 || o.Shards > K8sMaxCompletions {
		return fmt.Errorf("%w: shards %d, want 1..%d (Kubernetes' limit for Indexed Jobs with backoffLimitPerIndex)", ErrK8s, o.Shards, K8sMaxCompletions)
	}
	if o.Parallelism < 1 || o.Parallelism > o.Shards {
		return fmt.Errorf("%w: parallelism %d, want 1..%d (0: all shards at once)", ErrK8s, o.Parallelism, o.Shards)
	}
	if o.BackoffLimitPerIndex < 0 || o.BackoffLimitPerIndex > 1<<31-1 {
		return fmt.Errorf("%w: backoff limit per index %d, want >= 0", ErrK8s, o.BackoffLimitPerIndex)
	}
	for _, q := range []struct{ name, v string }{{"cpu", o.CPU}, {"memory", o.Memory}} {
		if q.v != "" && !k8sQuantityRE.MatchString(q.v) {
			return fmt.Errorf("%w: %s %q, want a Kubernetes quantity such as 2, 500m or 1Gi", ErrK8s, q.name, q.v)
		}
	}
	if o.Run != nil && len(o.Run) == 0 {
		return fmt.Errorf("%w: run command is empty", ErrK8s)
	}
	return nil
}

// K8sJob returns the Indexed Job manifest (YAML) of a sweep.
func K8sJob(opts K8sOptions) ([]byte, error) {
	o := opts.withDefaults()
	if err := o.validate(); err != nil {
		return nil, err
	}
	argv := o.Run
	if argv == nil {
		argv = []string{o.Binary, "sweep", "run", o.Spec, "--out", o.Out,
			"--shard", "$(JOB_COMPLETION_INDEX)/" + strconv.Itoa(o.Shards)}
	}
	q := k8sYAMLString
	var b strings.Builder
	w := func(indent int, format string, args ...any) {
		b.WriteString(strings.Repeat("  ", indent))
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
	}
	w(0, "# Written by sqsim sweep k8s: pod i of this Indexed Job runs shard i of %d into %s.", o.Shards, o.Out)
	w(0, "# Merge when it completes: sqsim sweep merge %s (in a pod that mounts the same claim).", o.Out)
	w(0, "apiVersion: batch/v1")
	w(0, "kind: Job")
	w(0, "metadata:")
	w(1, "name: %s", q(o.Name))
	if o.Namespace != "" {
		w(1, "namespace: %s", q(o.Namespace))
	}
	w(1, "labels:")
	w(2, "app.kubernetes.io/name: sqsim-sweep")
	w(2, "app.kubernetes.io/instance: %s", q(o.Name))
	w(0, "spec:")
	w(1, "completionMode: Indexed")
	w(1, "completions: %d", o.Shards)
	w(1, "parallelism: %d", o.Parallelism)
	w(1, "backoffLimitPerIndex: %d", o.BackoffLimitPerIndex)
	w(1, "template:")
	w(2, "metadata:")
	w(3, "labels:")
	w(4, "app.kubernetes.io/name: sqsim-sweep")
	w(4, "app.kubernetes.io/instance: %s", q(o.Name))
	w(2, "spec:")
	w(3, "restartPolicy: Never") // required by backoffLimitPerIndex
	w(3, "containers:")
	w(4, "- name: sweep")
	w(4, "  image: %s", q(o.Image))
	w(4, "  command:")
	w(4, "    - %s", q(argv[0]))
	if len(argv) > 1 {
		w(4, "  args:")
		for _, a := range argv[1:] {
			w(4, "    - %s", q(a))
		}
	}
	w(4, "  env:")
	// The Job controller injects this variable too; declaring it makes $(JOB_COMPLETION_INDEX)
	// in args expand on every Kubernetes version that has Indexed Jobs.
	w(4, "    - name: JOB_COMPLETION_INDEX")
	w(4, "      valueFrom:")
	w(4, "        fieldRef:")
	w(4, "          fieldPath: %s", q("metadata.annotations['"+K8sCompletionIndexAnnotation+"']"))
	if o.CPU != "" || o.Memory != "" {
		w(4, "  resources:")
		w(4, "    requests:")
		if o.CPU != "" {
			w(4, "      cpu: %s", q(o.CPU))
		}
		if o.Memory != "" {
			w(4, "      memory: %s", q(o.Memory))
		}
	}
	w(4, "  volumeMounts:")
	w(4, "    - name: out")
	w(4, "      mountPath: %s", q(o.Out))
	if o.SpecConfigMap != "" {
		w(4, "    - name: spec")
		w(4, "      mountPath: %s", q(path.Dir(o.Spec)))
		w(4, "      readOnly: true")
	}
	w(3, "volumes:")
	w(4, "- name: out")
	w(4, "  persistentVolumeClaim:")
	w(4, "    claimName: %s", q(o.PVC))
	if o.SpecConfigMap != "" {
		w(4, "- name: spec")
		w(4, "  configMap:")
		w(4, "    name: %s", q(o.SpecConfigMap))
	}
	return []byte(b.String()), nil
}

var k8sPlainRE = regexp.MustCompile(`^(--?[A-Za-z]|[A-Za-z/_])[A-Za-z0-9/_.-]*$`)

// k8sYAMLString writes s as a YAML scalar that reads back as the string s: bare when it is
// unambiguously a string, else a JSON string (a valid YAML double-quoted scalar).
func k8sYAMLString(s string) string {
	switch strings.ToLower(s) {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~":
	default:
		if k8sPlainRE.MatchString(s) {
			return s
		}
	}
	j, _ := json.Marshal(s) // a string always marshals
	return string(j)
}
