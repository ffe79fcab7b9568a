package main

import (
	"log/slog"
	"net/http"

	"chokepoint/bot"
)

// interactionsHandler serves Discord's Interactions Endpoint URL.
func interactionsHandler(cfg Config, b *bot.Bot, log *slog.Logger) (http.Handler, error) {
	h, err := bot.NewHTTPHandler(b, cfg.Discord.PublicKey, bot.HTTPOptions{MaxSkew: cfg.HTTP.MaxSkew})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("POST /interactions", h)
	return mux, nil
}
