// Package image builds rungs' container image without Docker or any daemon: one layer holding
// the static binary, a non-root user and the folders it writes to, and a config that runs
// `rungs serve` on the people app. It writes the image as an OCI layout (a folder any OCI
// tool reads: skopeo, crane, podman, containerd) or as a tarball `docker load` and `podman
// load` take. scripts/image builds the binary and calls it.
package image

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strconv"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The image's user: a number, not a name, so that the runtime needs no /etc/passwd lookup to
// know it is not root (the same id as distroless' "nonroot").
const (
	UID  = 65532
	User = "65532:65532"
)

// Where things are in the image.
const (
	BinaryPath = "/usr/local/bin/rungs"
	DataDir    = "/data"      // the SQLite database, and scheduled backups: mount a volume here
	Framework  = "/framework" // the framework's files, mounted read-only; without, the bundled one
	CACerts    = "/etc/ssl/certs/ca-certificates.crt"
)

// Ports the image serves on: the app and the metrics.
const (
	AppPort     = "8080/tcp"
	MetricsPort = "9090/tcp"
)

// Options say what goes into the image.
type Options struct {
	Binary   []byte // a static rungs for linux/Arch (CGO_ENABLED=0)
	Arch     string // GOARCH of the binary; empty means this machine's
	Version  string // rungs' version, for the labels
	Revision string // the commit it was built from, if known
	// CACerts are the root certificates rungs trusts, to reach PostgreSQL over TLS with
	// sslmode=verify-full; nil leaves them out.
	CACerts []byte
	// Created is the image's date; the zero time gives the Unix epoch, so that the same
	// binary always makes the same image.
	Created time.Time
}

// Build returns the image.
func Build(opts Options) (v1.Image, error) {
	if len(opts.Binary) == 0 {
		return nil, fmt.Errorf("image: no binary")
	}
	if opts.Arch == "" {
		opts.Arch = runtime.GOARCH
	}
	created := opts.Created.UTC()
	if opts.Created.IsZero() {
		created = time.Unix(0, 0).UTC()
	}
	files, err := layerTar(opts, created)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(files)), nil },
		tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, fmt.Errorf("image: layer: %w", err)
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.Append(img, mutate.Addendum{Layer: layer, History: v1.History{
		Created: v1.Time{Time: created}, CreatedBy: "rungs image: " + BinaryPath + ", user " + User + ", " + DataDir, Comment: "rungs " + opts.Version,
	}})
	if err != nil {
		return nil, fmt.Errorf("image: %w", err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	cfg.Architecture, cfg.OS, cfg.Created = opts.Arch, "linux", v1.Time{Time: created}
	cfg.Config = v1.Config{
		User:       User,
		Entrypoint: []string{BinaryPath},
		// The people app on SQLite in the volume, the framework from its mount (or the
		// bundled one), listening on every interface of the container, JSON logs, metrics
		// on their own port. Any of it can be replaced by giving other arguments.
		Cmd: []string{"serve", Framework, "--addr", ":8080", "--data", DataDir + "/rungs.db",
			"--log-format", "json", "--metrics-addr", ":9090"},
		WorkingDir:   DataDir,
		Env:          []string{"PATH=/usr/local/bin:/usr/bin:/bin"},
		ExposedPorts: map[string]struct{}{AppPort: {}, MetricsPort: {}},
		Volumes:      map[string]struct{}{DataDir: {}},
		Labels:       Labels(opts, created),
		StopSignal:   "SIGTERM",
	}
	img, err = mutate.ConfigFile(img, cfg)
	if err != nil {
		return nil, fmt.Errorf("image: config: %w", err)
	}
	return img, nil
}

// Labels are the image's OCI annotations as labels.
func Labels(opts Options, created time.Time) map[string]string {
	l := map[string]string{
		"org.opencontainers.image.title":       "rungs",
		"org.opencontainers.image.description": "Career ladders as code: the published ladder and the people app, in one static binary.",
		"org.opencontainers.image.version":     opts.Version,
		"org.opencontainers.image.created":     created.Format(time.RFC3339),
	}
	if opts.Revision != "" {
		l["org.opencontainers.image.revision"] = opts.Revision
	}
	return l
}

// layerTar is the one layer: folders, the user, the certificates and the binary, in a fixed
// order with fixed times, so that it is the same byte for byte every time.
func layerTar(opts Options, created time.Time) ([]byte, error) {
	type entry struct {
		name string
		mode int64
		uid  int
		dir  bool
		body []byte
	}
	passwd := "root:x:0:0:root:/root:/sbin/nologin\nrungs:x:" + strconv.Itoa(UID) + ":" + strconv.Itoa(UID) + ":rungs:" + DataDir + ":/sbin/nologin\n"
	group := "root:x:0:\nrungs:x:" + strconv.Itoa(UID) + ":\n"
	entries := []entry{
		{name: "etc/", mode: 0o755, dir: true},
		{name: "etc/passwd", mode: 0o644, body: []byte(passwd)},
		{name: "etc/group", mode: 0o644, body: []byte(group)},
		{name: "tmp/", mode: 0o1777, dir: true},
		{name: "usr/", mode: 0o755, dir: true},
		{name: "usr/local/", mode: 0o755, dir: true},
		{name: "usr/local/bin/", mode: 0o755, dir: true},
		{name: BinaryPath[1:], mode: 0o755, body: opts.Binary},
		{name: DataDir[1:] + "/", mode: 0o700, uid: UID, dir: true},
		{name: Framework[1:] + "/", mode: 0o755, dir: true},
	}
	if opts.CACerts != nil {
		entries = append(entries,
			entry{name: "etc/ssl/", mode: 0o755, dir: true},
			entry{name: "etc/ssl/certs/", mode: 0o755, dir: true},
			entry{name: CACerts[1:], mode: 0o644, body: opts.CACerts})
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: e.mode, Uid: e.uid, Gid: e.uid, ModTime: created, Format: tar.FormatPAX}
		if e.dir {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag, h.Size = tar.TypeReg, int64(len(e.body))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteLayout writes img into dir as an OCI image layout, tagged ref (its ref.name
// annotation), replacing what dir held.
func WriteLayout(img v1.Image, dir, ref string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return fmt.Errorf("image: %w", err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return err
	}
	return p.AppendImage(img, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": ref}),
		layout.WithPlatform(v1.Platform{OS: cfg.OS, Architecture: cfg.Architecture}))
}

// WriteTarball writes img to path as a tarball `docker load` and `podman load` read, tagged ref.
func WriteTarball(img v1.Image, path, ref string) error {
	tag, err := name.NewTag(ref)
	if err != nil {
		return fmt.Errorf("image: tag %q: %w", ref, err)
	}
	return tarball.WriteToFile(path, tag, img)
}
