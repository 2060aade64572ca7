package server

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/secretbox"
	"github.com/dataxpipe/catalog/internal/sqlstore"
)

// loadSecretKey returns the key that seals connection secrets at rest.
// DATAXPIPE_SECRET_KEY wins; production refuses to start without it (in
// config). In development without one, a key is generated once and kept
// next to the SQLite file (<db>.key, mode 0600), so secrets stored in one
// run still open in the next. A development server on Postgres has no file
// to keep a key beside: it runs without one, and connections carrying
// plaintext secrets are refused (503) until DATAXPIPE_SECRET_KEY is set.
func loadSecretKey(cfg config.Config, logger *slog.Logger) ([]byte, error) {
	if cfg.SecretKey != "" {
		return config.DecodeSecretKey(cfg.SecretKey)
	}
	if !cfg.Development() {
		return nil, errors.New("DATAXPIPE_SECRET_KEY is required in production (32 random bytes, base64 or hex: openssl rand -base64 32)")
	}
	if sqlstore.EngineOf(cfg.DB) != sqlstore.SQLite {
		logger.Warn("no DATAXPIPE_SECRET_KEY: connections with plaintext secrets are refused until it is set (openssl rand -base64 32)")
		return nil, nil
	}
	return developmentKey(cfg.DB+".key", logger)
}

// developmentKey reads the key file at path, or creates it. Creation is
// atomic (a complete temporary file linked into place), so two servers
// starting together agree on one key and a crash leaves no half-written key.
func developmentKey(path string, logger *slog.Logger) ([]byte, error) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	b, err := os.ReadFile(path)
	if err == nil {
		key, err := config.DecodeSecretKey(strings.TrimSpace(string(b)))
		if err != nil {
			return nil, fmt.Errorf("development secret key %s: %w; fix the file, or remove it to generate a new key "+
				"(connection secrets sealed with the old key will no longer open)", path, err)
		}
		if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
			logger.Warn("the development secret key file is readable by others; chmod 600 it", "path", path)
		}
		logger.Info("using the development secret key for connection secrets", "path", path)
		return key, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read development secret key: %w", err)
	}
	key := make([]byte, secretbox.KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generate development secret key: %w", err)
	}
	if err := createExclusive(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n")); errors.Is(err, fs.ErrExist) {
		return developmentKey(path, logger) // another server created it first
	} else if err != nil {
		return nil, fmt.Errorf("write development secret key: %w", err)
	}
	logger.Warn("generated a development secret key for connection secrets; keep it with the database "+
		"(without it stored secrets do not open), and set DATAXPIPE_SECRET_KEY in production", "path", path)
	return key, nil
}

// createExclusive writes data to a new file at path, readable by its owner
// only, failing with fs.ErrExist if path exists.
func createExclusive(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*") // CreateTemp uses mode 0600
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Link(tmp.Name(), path) // fails if path exists, unlike Rename
}
