package cli

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var (
	updateDocs = flag.Bool("update", false, "TestDocs: rewrite the stale sqsim:begin blocks of the docs")
	longDocs   = flag.Bool("docs.long", false, "TestDocs: also run the blocks marked long (minutes)")
)

// docPages are the pages whose quoted outputs TestDocs checks.
var docPages = []string{
	"../docs/hardness.md",
	"../docs/approximation.md",
	"../docs/tutorial.md",
	"../docs/writing-a-learner.md",
	"../README.md",
}

// TestDocs: every sqsim:begin block of the docs is the current output of the
// command it names. The blocks marked slow (seconds each) run only without
// -short; those marked long (minutes each, about 15 minutes in all) only
// with -docs.long: `go test ./cli -run TestDocs -docs.long -timeout
// 60m`. Regenerate the stale blocks with `go test ./cli -run TestDocs
// -update [-docs.long]` (or `go run ./cmd/sqsim docs --update FILE...`).
func TestDocs(t *testing.T) {
	for _, p := range docPages {
		t.Run(filepath.Base(p), func(t *testing.T) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			res, err := checkDocFile(string(b), testing.Short(), !*longDocs, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Skipped > 0 {
				t.Logf("%d slow or long blocks skipped: the slow ones run without -short, the long ones (minutes) with `go test ./cli -run TestDocs -docs.long -timeout 60m`", res.Skipped)
			}
			if len(res.Stale) == 0 {
				return
			}
			if *updateDocs {
				if err := writeBytesAtomic(p, []byte(res.Updated)); err != nil {
					t.Fatal(err)
				}
				t.Logf("updated %d blocks", len(res.Stale))
				return
			}
			for _, s := range res.Stale {
				t.Errorf("%s:%d: block %q is stale:\n--- page ---%s--- command ---\n%s", p, s.Line, s.Marker, string(b[s.Begin:s.End]), mustRender(t, s))
			}
			t.Errorf("regenerate with `go test ./cli -run TestDocs -update`")
		})
	}
}

func mustRender(t *testing.T, b docBlock) string {
	out, err := b.render()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDocBlocks: the marker grammar, rendering, and the update of a page.
func TestDocBlocks(t *testing.T) {
	page := "intro\n" +
		"<!-- sqsim:begin prompt grep=^\\s\\sopt_0 -- hardness info --d 8 --k 2 -->\nold\n<!-- sqsim:end -->\n" +
		"supports <!-- sqsim:begin json=supports -- hardness info --d 8 --k 2 --json -->0<!-- sqsim:end --> here\n" +
		"<!-- sqsim:begin slow -- hardness info --d 8 --k 4 -->\nstays\n<!-- sqsim:end -->\n"
	res, err := checkDocFile(page, true, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Blocks != 3 || res.Skipped != 1 || len(res.Stale) != 2 {
		t.Fatalf("blocks %d, skipped %d, stale %d; want 3, 1, 2", res.Blocks, res.Skipped, len(res.Stale))
	}
	// A long block is skipped unless asked for; a slow one runs when only
	// long ones are skipped.
	long := "<!-- sqsim:begin long -- hardness info --d 8 --k 4 -->\nx\n<!-- sqsim:end -->\n"
	if r, err := checkDocFile(long, false, true, nil); err != nil || r.Skipped != 1 || len(r.Stale) != 0 {
		t.Errorf("long block with skipLong: %+v, %v; want skipped", r, err)
	}
	if r, err := checkDocFile(long, false, false, nil); err != nil || r.Skipped != 0 || len(r.Stale) != 1 {
		t.Errorf("long block without skipLong: %+v, %v; want run and stale", r, err)
	}
	if r, err := checkDocFile(page, false, true, nil); err != nil || r.Skipped != 0 || len(r.Stale) != 3 {
		t.Errorf("slow block with only skipLong: %+v, %v; want run and stale", r, err)
	}
	want := "intro\n" +
		"<!-- sqsim:begin prompt grep=^\\s\\sopt_0 -- hardness info --d 8 --k 2 -->\n```\n$ sqsim hardness info --d 8 --k 2\n  opt_0             0.4204225284540523  1/2 - 1/(4 pi)\n```\n<!-- sqsim:end -->\n" +
		"supports <!-- sqsim:begin json=supports -- hardness info --d 8 --k 2 --json -->28<!-- sqsim:end --> here\n" +
		"<!-- sqsim:begin slow -- hardness info --d 8 --k 4 -->\nstays\n<!-- sqsim:end -->\n"
	if res.Updated != want {
		t.Errorf("updated page:\n%s\nwant:\n%s", res.Updated, want)
	}
	again, err := checkDocFile(res.Updated, true, true, nil)
	if err != nil || len(again.Stale) != 0 {
		t.Errorf("the updated page is stale again: %v, %d", err, len(again.Stale))
	}
	for _, bad := range []string{
		"<!-- sqsim:begin hardness info --d 8 --k 2 -->\nno end\n",
		"<!-- sqsim:begin hardness info\n",
		"<!-- sqsim:begin nosuch -- hardness info -->\n<!-- sqsim:end -->\n",
		"<!-- sqsim:begin gen=nosuch -- k=2 -->\n<!-- sqsim:end -->\n",
		"<!-- sqsim:begin slow -- -->\n<!-- sqsim:end -->\n",
		"<!-- sqsim:begin a -->\n<!-- sqsim:begin b -->\n<!-- sqsim:end -->\n",
	} {
		if _, err := parseDocBlocks(bad); err == nil {
			t.Errorf("parseDocBlocks(%q) = nil error, want one naming the line", bad)
		}
	}
}

// TestDocsCommand: `sqsim docs` reports stale blocks with exit status 1 and
// --update rewrites them; bad input is a usage error.
func TestDocsCommand(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "p.md")
	page := "<!-- sqsim:begin json=Mk -- hardness info --d 8 --k 2 --json -->0<!-- sqsim:end -->\n"
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runCLI("docs", "--quiet", path); code != 1 || !strings.Contains(out, "p.md:1: stale") {
		t.Errorf("check of a stale page: exit %d, stdout %q; want 1 and the stale line", code, out)
	}
	if code, _, errs := runCLI("docs", "--quiet", "--update", path); code != 0 {
		t.Fatalf("--update: exit %d, %s", code, errs)
	}
	b, _ := os.ReadFile(path)
	if want := "<!-- sqsim:begin json=Mk -- hardness info --d 8 --k 2 --json -->13<!-- sqsim:end -->\n"; string(b) != want {
		t.Errorf("updated page %q, want %q", b, want)
	}
	if code, out, _ := runCLI("docs", "--quiet", path); code != 0 || !strings.Contains(out, "0 stale") {
		t.Errorf("check after update: exit %d, stdout %q", code, out)
	}
	usageFails(t, "no FILE", "docs")
	usageFails(t, "missing.md", "docs", filepath.Join(dir, "missing.md"))
	bad := filepath.Join(dir, "bad.md")
	os.WriteFile(bad, []byte("<!-- sqsim:begin hardness info\n"), 0o644)
	usageFails(t, "unterminated", "docs", bad)
	usageFails(t, "-nosuch", "docs", "-nosuch", path)
}
