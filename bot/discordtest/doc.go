// Package discordtest is an in-process fake of Discord for tests: a REST API
// served by net/http/httptest and a gateway spoken over gorilla/websocket, so
// a real *discordgo.Session can be pointed at it.
//
// The fake records every REST request (decoded JSON bodies included), keeps
// the state Discord would keep (registered commands, which interactions were
// answered) and rejects what Discord rejects (a second callback for one
// interaction, an edit before the first response, content over 2000
// characters). Its gateway speaks HELLO, IDENTIFY, READY, heartbeats and
// RESUME with replay of missed dispatches. Waits are bounded and
// channel-based.
package discordtest
