package main

import (
	"log/slog"

	"github.com/dataxpipe/catalog/internal/config"
)

// loadSecretKey returns the key that encrypts connection secrets at rest.
func loadSecretKey(cfg config.Config, logger *slog.Logger) ([]byte, error) {
	if cfg.SecretKey == "" {
		return nil, nil
	}
	return config.DecodeSecretKey(cfg.SecretKey)
}
