package image

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// VersionVar is the variable -ldflags sets to stamp rungs' version.
const VersionVar = "github.com/rungs/rungs/internal/cli.Version"

// BuildFlags are the go build arguments of the image's binary (the Dockerfile in docs/deploy
// uses the same): no cgo, so it runs on an image with no C library; no paths of the machine
// that built it; no symbol table, which only debuggers read.
func BuildFlags(version string) []string {
	return []string{"build", "-trimpath", "-ldflags", "-s -w -X " + VersionVar + "=" + version, "-o"}
}

// BuildBinary builds rungs from the module in dir as a static binary for linux/arch and
// returns it.
func BuildBinary(ctx context.Context, dir, arch, version string) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "rungs-image-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "rungs")
	cmd := exec.CommandContext(ctx, "go", append(BuildFlags(version), out, "./cmd/rungs")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build for linux/%s: %v\n%s", arch, err, strings.TrimSpace(string(b)))
	}
	return os.ReadFile(out)
}
