// Command rungs-image builds rungs' container image without Docker: it builds the static
// binary for linux and writes the image as an OCI layout or a docker-loadable tarball.
//
//	go run ./internal/image/cmd/rungs-image -o image             # an OCI layout in ./image
//	go run ./internal/image/cmd/rungs-image --tar rungs.tar       # docker load -i rungs.tar
//
// scripts/image runs it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/image"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "rungs-image: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	out := flag.String("o", "", "write an OCI image layout into this folder")
	tarPath := flag.String("tar", "", "write a tarball for docker load / podman load")
	arch := flag.String("arch", runtime.GOARCH, "the architecture to build for (amd64, arm64)")
	version := flag.String("version", "", "the version to stamp and label (default: git describe)")
	tag := flag.String("tag", "", "the image's name and tag (default: rungs:VERSION)")
	flag.Parse()
	if (*out == "") == (*tarPath == "") {
		return errors.New("give -o DIR or --tar FILE")
	}
	if *version == "" {
		*version = gitOutput("describe", "--tags", "--always", "--dirty")
		if *version == "" {
			*version = "devel"
		}
	}
	if *tag == "" {
		*tag = "rungs:" + strings.NewReplacer("+", "-", "/", "-").Replace(*version)
	}
	ctx := context.Background()
	bin, err := image.BuildBinary(ctx, ".", *arch, *version)
	if err != nil {
		return err
	}
	opts := image.Options{Binary: bin, Arch: *arch, Version: *version, Revision: gitOutput("rev-parse", "HEAD")}
	if certs, err := os.ReadFile(image.CACerts); err == nil {
		opts.CACerts = certs
	} else {
		fmt.Fprintf(os.Stderr, "rungs-image: no %s on this machine: the image will not verify PostgreSQL's TLS certificate\n", image.CACerts)
	}
	// The commit's date, so that building the same commit again makes the same image.
	if ts := gitOutput("log", "-1", "--format=%ct"); ts != "" {
		var sec int64
		if _, err := fmt.Sscan(ts, &sec); err == nil {
			opts.Created = time.Unix(sec, 0)
		}
	}
	img, err := image.Build(opts)
	if err != nil {
		return err
	}
	digest, err := img.Digest()
	if err != nil {
		return err
	}
	if *out != "" {
		if err := image.WriteLayout(img, *out, *tag); err != nil {
			return err
		}
		fmt.Printf("Wrote %s (%s, linux/%s) as an OCI layout in %s\n", *tag, digest, *arch, *out)
		return nil
	}
	if err := image.WriteTarball(img, *tarPath, *tag); err != nil {
		return err
	}
	fmt.Printf("Wrote %s (%s, linux/%s) to %s: docker load -i %s\n", *tag, digest, *arch, *tarPath, *tarPath)
	return nil
}

// gitOutput runs git with args, "" when that fails (no git, or not a clone).
func gitOutput(args ...string) string {
	b, err := exec.Command("git", args...).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
