// Package bot is Chokepoint's Discord adapter: slash commands, mentions and
// direct messages, buttons, permissions and abuse limits, and the rendering
// of a chokepoint.Answer into a Discord message (2000 characters, escaped,
// pinging no one).
//
// The router (HandleInteraction, HandleMessage) does not depend on the
// transport: the gateway transport (Run) feeds it events from a
// discordgo.Session, and an HTTP-interactions transport can feed it
// interactions decoded from request bodies with its own Responder.
//
// Handlers return errors to one exit that logs the full error and replies
// with fixed friendly text; err.Error() never reaches a Discord user. The
// only error text shown is validation feedback built for users, such as the
// chokepoint.FileError of a rejected upload.
package bot
