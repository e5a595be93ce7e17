package sweep

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

func k8sBaseOptions() K8sOptions {
	return K8sOptions{
		Image:  "ghcr.io/sqsim/sqsim:v1",
		Spec:   "/data/gd-vs-d/spec.toml",
		Out:    "/data/gd-vs-d",
		PVC:    "sqsim-results",
		Shards: 4,
	}
}

func k8sFullOptions() K8sOptions {
	o := k8sBaseOptions()
	o.Name = "gd-vs-d"
	o.Namespace = "research"
	o.Spec = "/etc/sqsim/gd-vs-d.toml"
	o.SpecConfigMap = "gd-vs-d-spec"
	o.Parallelism = 2
	o.BackoffLimitPerIndex = 3
	o.CPU = "2"
	o.Memory = "1Gi"
	return o
}

func TestK8sJobGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts K8sOptions
	}{
		{"k8s-minimal", k8sBaseOptions()},
		{"k8s-full", k8sFullOptions()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := K8sJob(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			slurmGolden(t, tc.name+".yaml", got)
		})
	}
}

// k8sDecodeStrict decodes a manifest into the Job API's own types the way the API server does:
// YAML to JSON, then sigs.k8s.io/json's strict decoding, which refuses fields batch/v1 Job does
// not have, fields given twice, and fields whose case differs from the API's (encoding/json
// alone would accept "backoffLimitPerindex").
func k8sDecodeStrict(t *testing.T, manifest []byte) batchv1.Job {
	t.Helper()
	job, err := k8sDecodeJob(manifest)
	if err != nil {
		t.Fatalf("strict decode into batch/v1 Job: %v\n%s", err, manifest)
	}
	return job
}

func k8sDecodeJob(manifest []byte) (batchv1.Job, error) {
	var job batchv1.Job
	j, err := yaml.YAMLToJSONStrict(manifest) // refuses a key given twice
	if err != nil {
		return job, err
	}
	strict, err := kjson.UnmarshalStrict(j, &job, kjson.DisallowUnknownFields)
	if err != nil {
		return job, err
	}
	if len(strict) > 0 {
		return job, errors.Join(strict...)
	}
	return job, nil
}

func TestK8sJobDecodesStrictly(t *testing.T) {
	t.Run("minimal", func(t *testing.T) {
		o := k8sBaseOptions()
		m, err := K8sJob(o)
		if err != nil {
			t.Fatal(err)
		}
		job := k8sDecodeStrict(t, m)
		if job.APIVersion != "batch/v1" || job.Kind != "Job" || job.Name != "sqsim-sweep" || job.Namespace != "" {
			t.Errorf("type/name = %s %s %q %q", job.APIVersion, job.Kind, job.Name, job.Namespace)
		}
		s := job.Spec
		if s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion {
			t.Errorf("completionMode = %v, want Indexed", s.CompletionMode)
		}
		k8sWantInt32(t, "completions", s.Completions, 4)
		k8sWantInt32(t, "parallelism", s.Parallelism, 4)
		k8sWantInt32(t, "backoffLimitPerIndex", s.BackoffLimitPerIndex, 0)
		pod := s.Template.Spec
		if pod.RestartPolicy != corev1.RestartPolicyNever {
			t.Errorf("restartPolicy = %q, want Never (backoffLimitPerIndex needs it)", pod.RestartPolicy)
		}
		if len(pod.Containers) != 1 {
			t.Fatalf("%d containers, want 1", len(pod.Containers))
		}
		c := pod.Containers[0]
		if c.Image != o.Image {
			t.Errorf("image = %q", c.Image)
		}
		argv := append(append([]string{}, c.Command...), c.Args...)
		want := []string{"/usr/local/bin/sqsim", "sweep", "run", o.Spec, "--out", o.Out, "--shard", "$(JOB_COMPLETION_INDEX)/4"}
		if d := cmp.Diff(want, argv); d != "" {
			t.Errorf("command (-want +got):\n%s", d)
		}
		if len(c.Env) != 1 || c.Env[0].Name != "JOB_COMPLETION_INDEX" || c.Env[0].ValueFrom == nil ||
			c.Env[0].ValueFrom.FieldRef == nil ||
			c.Env[0].ValueFrom.FieldRef.FieldPath != "metadata.annotations['batch.kubernetes.io/job-completion-index']" {
			t.Errorf("env = %+v, want JOB_COMPLETION_INDEX from the completion-index annotation", c.Env)
		}
		if len(c.Resources.Requests) != 0 {
			t.Errorf("resources = %v, want none", c.Resources.Requests)
		}
		if d := cmp.Diff([]corev1.VolumeMount{{Name: "out", MountPath: o.Out}}, c.VolumeMounts); d != "" {
			t.Errorf("volumeMounts (-want +got):\n%s", d)
		}
		if len(pod.Volumes) != 1 || pod.Volumes[0].Name != "out" || pod.Volumes[0].PersistentVolumeClaim == nil ||
			pod.Volumes[0].PersistentVolumeClaim.ClaimName != o.PVC {
			t.Errorf("volumes = %+v, want out from claim %s", pod.Volumes, o.PVC)
		}
	})
	t.Run("full", func(t *testing.T) {
		o := k8sFullOptions()
		m, err := K8sJob(o)
		if err != nil {
			t.Fatal(err)
		}
		job := k8sDecodeStrict(t, m)
		if job.Name != "gd-vs-d" || job.Namespace != "research" {
			t.Errorf("name = %q/%q", job.Namespace, job.Name)
		}
		k8sWantInt32(t, "parallelism", job.Spec.Parallelism, 2)
		k8sWantInt32(t, "backoffLimitPerIndex", job.Spec.BackoffLimitPerIndex, 3)
		c := job.Spec.Template.Spec.Containers[0]
		if cpu, mem := c.Resources.Requests[corev1.ResourceCPU], c.Resources.Requests[corev1.ResourceMemory]; cpu.String() != "2" || mem.String() != "1Gi" {
			t.Errorf("requests = cpu %s memory %s, want 2 and 1Gi", cpu.String(), mem.String())
		}
		wantMounts := []corev1.VolumeMount{{Name: "out", MountPath: o.Out}, {Name: "spec", MountPath: "/etc/sqsim", ReadOnly: true}}
		if d := cmp.Diff(wantMounts, c.VolumeMounts); d != "" {
			t.Errorf("volumeMounts (-want +got):\n%s", d)
		}
		vols := job.Spec.Template.Spec.Volumes
		if len(vols) != 2 || vols[1].Name != "spec" || vols[1].ConfigMap == nil || vols[1].ConfigMap.Name != o.SpecConfigMap {
			t.Errorf("volumes = %+v, want the spec ConfigMap second", vols)
		}
		for _, labels := range []map[string]string{job.Labels, job.Spec.Template.Labels} {
			if labels["app.kubernetes.io/instance"] != "gd-vs-d" {
				t.Errorf("labels = %v", labels)
			}
		}
	})
	t.Run("bad-fields-are-caught", func(t *testing.T) {
		// The checks above are only worth something if a misspelt field fails them.
		m, err := K8sJob(k8sBaseOptions())
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []struct{ from, to string }{
			{"backoffLimitPerIndex:", "backoffLimitPerindex:"},     // case
			{"completionMode:", "completionMod:"},                  // unknown
			{"claimName:", "claim:"},                               // unknown, deep inside
			{"parallelism: 4", "parallelism: 4\n  parallelism: 2"}, // twice
		} {
			if !strings.Contains(string(m), bad.from) {
				t.Fatalf("manifest has no %q", bad.from)
			}
			edited := strings.Replace(string(m), bad.from, bad.to, 1)
			if _, err := k8sDecodeJob([]byte(edited)); err == nil {
				t.Errorf("%q instead of %q decoded without error", bad.to, bad.from)
			}
		}
	})
}

func k8sWantInt32(t *testing.T, name string, got *int32, want int32) {
	t.Helper()
	if got == nil || *got != want {
		t.Errorf("%s = %v, want %d", name, got, want)
	}
}

// Strings that YAML would read as something else (numbers, booleans, comments, maps) must come
// back as the same strings.
func TestK8sYAMLStringRoundTrip(t *testing.T) {
	for _, s := range []string{
		"plain", "yes", "No", "on", "true", "null", "~", "1", "0x1F", "1e3", "-", "", " lead",
		"a: b", "a #b", "#x", "'q'", `"dq"`, "tab\there", "new\nline", "ünï", "[x]", "{x}", "*a", "&a",
		"!tag", "--out", "-x", "- x", "--", "%p", "@x", "`x", "$(JOB_COMPLETION_INDEX)/4", "a\\b", "\x01",
	} {
		t.Run(s, func(t *testing.T) {
			var got map[string]string
			if err := yaml.UnmarshalStrict([]byte("k: "+k8sYAMLString(s)+"\n"), &got); err != nil {
				t.Fatalf("%q written as %s: %v", s, k8sYAMLString(s), err)
			}
			if got["k"] != s {
				t.Errorf("%q written as %s reads back as %q", s, k8sYAMLString(s), got["k"])
			}
		})
	}
	t.Run("in-a-manifest", func(t *testing.T) {
		o := k8sBaseOptions()
		o.Image = "registry.local:5000/sqsim:v1"
		o.Run = []string{"/bin/sh", "-c", "echo yes: $(JOB_COMPLETION_INDEX) # not a comment", "true"}
		m, err := K8sJob(o)
		if err != nil {
			t.Fatal(err)
		}
		c := k8sDecodeStrict(t, m).Spec.Template.Spec.Containers[0]
		if c.Image != o.Image {
			t.Errorf("image = %q, want %q", c.Image, o.Image)
		}
		if d := cmp.Diff(o.Run, append(append([]string{}, c.Command...), c.Args...)); d != "" {
			t.Errorf("command (-want +got):\n%s", d)
		}
	})
}

func TestK8sJobRefusesBadOptions(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*K8sOptions)
		words string // the error names these
	}{
		{"name-upper", func(o *K8sOptions) { o.Name = "Sweep" }, `"Sweep"`},
		{"name-long", func(o *K8sOptions) { o.Name = strings.Repeat("a", 64) }, "at most 63"},
		{"namespace", func(o *K8sOptions) { o.Namespace = "a_b" }, `"a_b"`},
		{"no-image", func(o *K8sOptions) { o.Image = "" }, "image"},
		{"image-space", func(o *K8sOptions) { o.Image = "a b" }, `"a b"`},
		{"relative-spec", func(o *K8sOptions) { o.Spec = "spec.toml" }, `"spec.toml"`},
		{"relative-out", func(o *K8sOptions) { o.Out = "out" }, `out path "out"`},
		{"relative-binary", func(o *K8sOptions) { o.Binary = "sqsim" }, `"sqsim"`},
		{"out-root", func(o *K8sOptions) { o.Out = "/" }, "mounted at /"},
		{"no-pvc", func(o *K8sOptions) { o.PVC = "" }, "pvc"},
		{"pvc-bad", func(o *K8sOptions) { o.PVC = "My_Claim" }, `"My_Claim"`},
		{"configmap-bad", func(o *K8sOptions) { o.SpecConfigMap = "Bad!" }, `"Bad!"`},
		{"configmap-spec-in-root", func(o *K8sOptions) { o.SpecConfigMap = "spec"; o.Spec = "/spec.toml" }, "mount point"},
		{"configmap-spec-in-out", func(o *K8sOptions) { o.SpecConfigMap = "spec"; o.Spec = o.Out + "/spec.toml" }, "mount point"},
		{"zero-shards", func(o *K8sOptions) { o.Shards = 0 }, "shards 0"},
		{"too-many-shards", func(o *K8sOptions) { o.Shards = K8sMaxCompletions + 1 }, "100001"},
		{"negative-parallelism", func(o *K8sOptions) { o.Parallelism = -1 }, "parallelism -1"},
		{"parallelism-above-shards", func(o *K8sOptions) { o.Parallelism = 5 }, "parallelism 5"},
		{"negative-backoff", func(o *K8sOptions) { o.BackoffLimitPerIndex = -1 }, "-1"},
		{"cpu", func(o *K8sOptions) { o.CPU = "two" }, `"two"`},
		{"memory", func(o *K8sOptions) { o.Memory = "1 GB" }, `"1 GB"`},
		{"empty-run", func(o *K8sOptions) { o.Run = []string{} }, "run command"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := k8sBaseOptions()
			tc.edit(&o)
			m, err := K8sJob(o)
			if !errors.Is(err, ErrK8s) {
				t.Fatalf("err = %v (manifest %d bytes), want ErrK8s", err, len(m))
			}
			if !strings.Contains(err.Error(), tc.words) {
				t.Errorf("error %q does not name %s", err, tc.words)
			}
		})
	}
}
