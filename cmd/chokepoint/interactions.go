package main

import (
	"context"
	"log/slog"
	"net/http"

	"chokepoint/bot"
)

// interactionsHandler serves Discord's Interactions Endpoint URL. Its
// handlers run under handlers, which serve cancels when they outlive the
// shutdown timeout.
func interactionsHandler(handlers context.Context, cfg Config, b *bot.Bot, log *slog.Logger) (http.Handler, error) {
	h, err := bot.NewHTTPHandler(b, cfg.Discord.PublicKey, bot.HTTPOptions{MaxSkew: cfg.HTTP.MaxSkew, Context: handlers})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("POST /interactions", h)
	return mux, nil
}
