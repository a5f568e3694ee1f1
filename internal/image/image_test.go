package image_test

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/elf"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/rungs/rungs/internal/image"
)

// binary is rungs built as the image builds it: static, for this machine's architecture, so
// that the test can run the copy it finds in the image.
var binary = sync.OnceValues(func() ([]byte, error) {
	return image.BuildBinary(context.Background(), "../..", runtime.GOARCH, "v-image-test")
})

func build(t *testing.T) (v1.Image, []byte) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the image's binary is for linux")
	}
	bin, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	img, err := image.Build(image.Options{Binary: bin, Version: "v-image-test", Revision: "abc123", CACerts: []byte("-----BEGIN CERTIFICATE-----\n"),
		Created: time.Date(2025, 1, 31, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return img, bin
}

// The image is written as an OCI layout, read back with go-containerregistry, and its config
// and layer checked: what an operator's runtime would see.
func TestImageConfigAndLayer(t *testing.T) {
	t.Parallel()
	img, bin := build(t)
	dir := filepath.Join(t.TempDir(), "oci")
	if err := image.WriteLayout(img, dir, "rungs:v-image-test"); err != nil {
		t.Fatal(err)
	}
	p, err := layout.FromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	index, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	manifest, err := index.IndexManifest()
	if err != nil || len(manifest.Manifests) != 1 {
		t.Fatalf("index: %+v, %v", manifest, err)
	}
	desc := manifest.Manifests[0]
	if desc.Annotations["org.opencontainers.image.ref.name"] != "rungs:v-image-test" || desc.Platform == nil || desc.Platform.OS != "linux" {
		t.Errorf("descriptor: %+v", desc)
	}
	read, err := p.Image(desc.Digest)
	if err != nil {
		t.Fatal(err)
	}
	mt, _ := read.MediaType()
	if mt != "application/vnd.oci.image.manifest.v1+json" {
		t.Errorf("manifest media type %s", mt)
	}
	cfg, err := read.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Config
	if cfg.OS != "linux" || cfg.Architecture != runtime.GOARCH || !cfg.Created.Equal(time.Date(2025, 1, 31, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("platform %s/%s, created %s", cfg.OS, cfg.Architecture, cfg.Created)
	}
	if c.User != "65532:65532" || c.WorkingDir != "/data" || !slices.Equal(c.Entrypoint, []string{"/usr/local/bin/rungs"}) {
		t.Errorf("user %q, workdir %q, entrypoint %q", c.User, c.WorkingDir, c.Entrypoint)
	}
	if strings.Join(c.Cmd, " ") != "serve /framework --addr :8080 --data /data/rungs.db --log-format json --metrics-addr :9090" {
		t.Errorf("cmd %q", c.Cmd)
	}
	if len(c.ExposedPorts) != 2 || c.ExposedPorts["8080/tcp"] != struct{}{} || c.ExposedPorts["9090/tcp"] != struct{}{} {
		t.Errorf("exposed ports %v", c.ExposedPorts)
	}
	if _, ok := c.Volumes["/data"]; !ok || len(c.Volumes) != 1 {
		t.Errorf("volumes %v", c.Volumes)
	}
	for k, v := range map[string]string{
		"org.opencontainers.image.title": "rungs", "org.opencontainers.image.version": "v-image-test",
		"org.opencontainers.image.revision": "abc123", "org.opencontainers.image.created": "2025-01-31T12:00:00Z",
	} {
		if c.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, c.Labels[k], v)
		}
	}

	layers, err := read.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("%d layers, %v", len(layers), err)
	}
	if mt, _ := layers[0].MediaType(); mt != "application/vnd.oci.image.layer.v1.tar+gzip" {
		t.Errorf("layer media type %s", mt)
	}
	files := untar(t, layers[0])
	got := files["usr/local/bin/rungs"]
	if got.h == nil || !bytes.Equal(got.body, bin) || got.h.Mode != 0o755 || got.h.Uid != 0 {
		t.Fatalf("the binary in the layer: %+v (%d bytes, want %d)", got.h, len(got.body), len(bin))
	}
	if d := files["data/"]; d.h == nil || d.h.Typeflag != tar.TypeDir || d.h.Uid != 65532 || d.h.Mode != 0o700 {
		t.Errorf("/data: %+v", d.h)
	}
	if tmp := files["tmp/"]; tmp.h == nil || tmp.h.Mode != 0o1777 {
		t.Errorf("/tmp: %+v", tmp.h)
	}
	if !strings.Contains(string(files["etc/passwd"].body), "rungs:x:65532:65532:") || files["etc/ssl/certs/ca-certificates.crt"].h == nil {
		t.Errorf("passwd or certificates missing")
	}

	// The binary is static (no program interpreter, no shared library), and it runs.
	path := filepath.Join(t.TempDir(), "rungs")
	if err := os.WriteFile(path, got.body, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	libs, _ := f.ImportedLibraries()
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			t.Error("the binary asks for a dynamic loader: not static")
		}
	}
	f.Close()
	if len(libs) > 0 {
		t.Errorf("the binary needs shared libraries %v", libs)
	}
	out, err := exec.Command(path, "version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "rungs v-image-test (") {
		t.Errorf("rungs version from the image: %v\n%s", err, out)
	}
}

// The tarball for docker load holds the same image, and building again makes the very same
// image: same binary, same date, same digest.
func TestImageTarballAndReproducible(t *testing.T) {
	t.Parallel()
	img, _ := build(t)
	again, _ := build(t)
	d1, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	if d2, _ := again.Digest(); d1 != d2 {
		t.Errorf("two builds of the same binary: %s and %s", d1, d2)
	}
	path := filepath.Join(t.TempDir(), "rungs.tar")
	if err := image.WriteTarball(img, path, "rungs:v-image-test"); err != nil {
		t.Fatal(err)
	}
	tag, _ := name.NewTag("rungs:v-image-test")
	loaded, err := tarball.ImageFromPath(path, &tag)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := loaded.ConfigFile()
	if err != nil || cfg.Config.User != "65532:65532" {
		t.Fatalf("config from the tarball: %+v, %v", cfg, err)
	}
	want, _ := img.ConfigName()
	if got, _ := loaded.ConfigName(); got != want {
		t.Errorf("config in the tarball %s, built %s", got, want)
	}
}

// The Dockerfile in docs/deploy builds the binary with the same flags and runs it the same way.
func TestDockerfileMatchesTheImage(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../docs/deploy/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	for _, want := range []string{
		"CGO_ENABLED=0", `go build -trimpath -ldflags "-s -w -X ` + image.VersionVar + `=${VERSION}"`,
		"USER 65532:65532", `ENTRYPOINT ["/usr/local/bin/rungs"]`,
		`CMD ["serve", "/framework", "--addr", ":8080", "--data", "/data/rungs.db", "--log-format", "json", "--metrics-addr", ":9090"]`,
		"EXPOSE 8080 9090", `VOLUME ["/data"]`, "distroless/static",
	} {
		if !strings.Contains(df, want) {
			t.Errorf("the Dockerfile lacks %s", want)
		}
	}
	if !slices.Equal(image.BuildFlags("V")[:3], []string{"build", "-trimpath", "-ldflags"}) {
		t.Error("BuildFlags changed: change the Dockerfile with it")
	}
}

type file struct {
	h    *tar.Header
	body []byte
}

func untar(t *testing.T, l v1.Layer) map[string]file {
	t.Helper()
	rc, err := l.Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	files := map[string]file{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		files[h.Name] = file{h, body}
	}
}
