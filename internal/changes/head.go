package changes

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
)

// headOf says which commit the git repository holding dir is at, by reading the repository's
// files rather than starting git: the whole "What changed" history is a function of that
// commit (commits never change), so a build whose HEAD has not moved can take the history from
// the cache without a single git process. It returns "" for anything it does not know for sure
// to read as git would (another ref storage, GIT_DIR in the environment, a symbolic ref it
// cannot find): the caller then asks git itself, which is always right, only slower.
//
// The second result is the shallow-clone boundary (.git/shallow), which bounds the history as
// much as HEAD does: deepening a clone changes it and nothing else.
func headOf(dir string) (head, shallow string) {
	for _, v := range []string{"GIT_DIR", "GIT_COMMON_DIR", "GIT_WORK_TREE", "GIT_CEILING_DIRECTORIES"} {
		if os.Getenv(v) != "" { // git would look elsewhere than the folders above dir
			return "", ""
		}
	}
	gitDir := findGitDir(dir)
	if gitDir == "" {
		return "", ""
	}
	common := gitDir // a linked worktree keeps its HEAD here and shares refs with the main one
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		common = relTo(gitDir, strings.TrimSpace(string(b)))
	}
	b, err := os.ReadFile(filepath.Join(gitDir, "HEAD"))
	if err != nil {
		return "", ""
	}
	line := strings.TrimSpace(string(b))
	ref, symbolic := strings.CutPrefix(line, "ref: ")
	if !symbolic {
		head = line
	} else if strings.HasPrefix(ref, "refs/") && !strings.Contains(ref, "..") {
		head = readRef(gitDir, common, ref)
	}
	if !isObjectID(head) {
		return "", ""
	}
	if b, err := os.ReadFile(filepath.Join(common, "shallow")); err == nil {
		shallow = string(b)
	}
	return head, shallow
}

// findGitDir walks up from dir to the first folder holding .git, as git does, and returns the
// repository's git folder ("" when there is none, or when .git is something unexpected).
func findGitDir(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		dot := filepath.Join(dir, ".git")
		if st, err := os.Stat(dot); err == nil {
			if st.IsDir() {
				return dot
			}
			// A linked worktree or a submodule: "gitdir: <path>".
			b, err := os.ReadFile(dot)
			if err != nil {
				return ""
			}
			path, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir: ")
			if !ok {
				return ""
			}
			return relTo(dir, path)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// relTo resolves path, which may be relative to base.
func relTo(base, path string) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	return filepath.Join(base, path)
}

// readRef finds a branch's commit: a loose ref file (per worktree first, then shared), then
// packed-refs. A repository using the reftable format has neither, so it reads as unknown.
func readRef(gitDir, common, ref string) string {
	for _, d := range []string{gitDir, common} {
		if b, err := os.ReadFile(filepath.Join(d, filepath.FromSlash(ref))); err == nil {
			return strings.TrimSpace(string(b))
		}
	}
	f, err := os.Open(filepath.Join(common, "packed-refs"))
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		id, name, ok := bytes.Cut(sc.Bytes(), []byte(" "))
		if ok && string(name) == ref {
			return string(id)
		}
	}
	return ""
}

// isObjectID says whether s is a full commit id: 40 hex digits (SHA-1) or 64 (SHA-256).
func isObjectID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for i := range len(s) {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
