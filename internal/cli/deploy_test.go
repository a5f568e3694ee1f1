package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The workflow files in docs/deploy are for people to copy into their repositories, so their
// build steps are run here, as CI would run them, against a framework at the top of a
// repository and one in a folder of it. The go install line is checked but not run (it
// fetches the published rungs); in its place, rungs on PATH is this test binary, which runs
// the command line of this very tree.

// pagesWorkflow is what a workflow file says about building the site.
type pagesWorkflow struct {
	framework string            // the FRAMEWORK variable's value
	commands  []string          // the shell commands of the build, in order
	env       map[string]string // what CI would set that the commands use
	published string            // the folder the workflow publishes
}

func readGitHubPages(t *testing.T) pagesWorkflow {
	var wf struct {
		Env  map[string]string
		Jobs map[string]struct {
			Steps []struct {
				ID   string
				Uses string
				Run  string
				With map[string]string
			}
		}
	}
	unmarshalFile(t, "../../docs/deploy/github-pages.yml", &wf)
	w := pagesWorkflow{framework: wf.Env["FRAMEWORK"], env: map[string]string{}}
	for _, step := range wf.Jobs["build"].Steps {
		switch {
		case step.Run != "":
			w.commands = append(w.commands, step.Run)
		case strings.HasPrefix(step.Uses, "actions/upload-pages-artifact@"):
			w.published = step.With["path"]
		}
	}
	// The one expression the build uses, as actions/configure-pages sets it for a project site.
	for i, c := range w.commands {
		w.commands[i] = strings.ReplaceAll(c, "${{ steps.pages.outputs.base_url }}", "https://acme.github.io/careers")
	}
	return w
}

func readGitLabPages(t *testing.T) pagesWorkflow {
	var wf struct {
		Variables map[string]string
		Pages     struct {
			Script    []string
			Artifacts struct{ Paths []string }
		}
	}
	unmarshalFile(t, "../../docs/deploy/gitlab-pages.yml", &wf)
	w := pagesWorkflow{framework: wf.Variables["FRAMEWORK"], commands: wf.Pages.Script,
		env: map[string]string{"CI_PAGES_URL": "https://acme.gitlab.io/careers"}}
	if len(wf.Pages.Artifacts.Paths) == 1 {
		w.published = wf.Pages.Artifacts.Paths[0]
	}
	return w
}

func unmarshalFile(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

var goInstallRE = regexp.MustCompile(`(?m)^\s*go install github\.com/rungs/rungs/cmd/rungs@latest\s*$`)

func TestDeployWorkflows(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the workflows' commands are for a POSIX shell")
	}
	t.Parallel()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for name, read := range map[string]func(*testing.T) pagesWorkflow{"github-pages": readGitHubPages, "gitlab-pages": readGitLabPages} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := read(t)
			if w.framework != "." {
				t.Errorf("FRAMEWORK is %q; the file should start from a framework at the top of the repository", w.framework)
			}
			if w.published != "public" {
				t.Fatalf("the workflow publishes %q, want public", w.published)
			}
			script := strings.Join(w.commands, "\n")
			if !goInstallRE.MatchString(script) {
				t.Fatalf("no 'go install github.com/rungs/rungs/cmd/rungs@latest' line in:\n%s", script)
			}
			script = goInstallRE.ReplaceAllString(script, "")
			if strings.Contains(script, "${{") {
				t.Fatalf("an expression the test does not know:\n%s", script)
			}

			bin := t.TempDir()
			if err := os.Symlink(exe, filepath.Join(bin, "rungs")); err != nil {
				t.Fatal(err)
			}
			for _, framework := range []string{".", "career-ladder"} {
				repo := t.TempDir()
				run(t, "init", filepath.Join(repo, framework), "--template", "minimal")
				cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
				cmd.Dir = repo
				cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
					"RUNGS_TEST_RUN_MAIN=1", "FRAMEWORK="+framework)
				for k, v := range w.env {
					cmd.Env = append(cmd.Env, k+"="+v)
				}
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("FRAMEWORK=%s: the build steps failed: %v\n%s", framework, err, out)
				}
				site := filepath.Join(repo, w.published)
				home, err := os.ReadFile(filepath.Join(site, "index.html"))
				if err != nil {
					t.Fatalf("FRAMEWORK=%s: nothing to publish in %s: %v", framework, w.published, err)
				}
				if !strings.Contains(string(home), `href="/careers/ladders/engineering/"`) {
					t.Errorf("FRAMEWORK=%s: the links are not under the site's path /careers/", framework)
				}
				sitemap, _ := os.ReadFile(filepath.Join(site, "sitemap.xml"))
				host := map[string]string{"github-pages": "https://acme.github.io/careers/", "gitlab-pages": "https://acme.gitlab.io/careers/"}[name]
				if !strings.Contains(string(sitemap), "<loc>"+host) {
					t.Errorf("FRAMEWORK=%s: the sitemap's addresses do not start with %s", framework, host)
				}
			}
		})
	}
}
