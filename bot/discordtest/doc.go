// Package discordtest is an in-process fake of Discord for tests: a REST API
// served by net/http/httptest and a gateway spoken over gorilla/websocket, so
// a real *discordgo.Session can be pointed at it, and a wrapper (Endpoint)
// that calls an Interactions Endpoint URL handler as Discord does.
//
// The fake is as strict as Discord's documentation (discord-api-docs,
// developers/): it records every REST request with what it answered, keeps
// the state Discord keeps (registered commands, each interaction's response
// and messages) and refuses what Discord refuses, with Discord's error
// shape: a first response after 3 seconds or a second one, a callback type
// that does not fit the interaction, flags a deferred response does not
// take, content over 2000 characters, more than 5 action rows or 5 buttons
// a row, custom IDs over 100 characters or repeated, labels over 80, more
// than 25 autocomplete choices, edits and follow-ups after the token's 15
// minutes, a reply to a system message, and command definitions Discord
// would not register. Directly after a deferred response, a follow-up
// edits the loading message and loses its ephemeral flag, as documented.
// REST answers 429 on demand (RateLimit). Deadlines are judged by a clock
// the test can replace (SetClock).
//
// Its gateway speaks HELLO, IDENTIFY, READY (with a resume_gateway_url that
// differs from the main URL), heartbeats and RESUME with replay of missed
// dispatches; it can send op 7 and op 9, stop acknowledging heartbeats,
// closes with 4014 when a privileged intent is not enabled, answers op 9
// to IDENTIFYs that exceed max_concurrency, and invalidates a session the
// client closes with 1000 or 1001. Waits are bounded and channel-based.
package discordtest
