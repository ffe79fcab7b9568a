// Command chokepoint answers supply-chain questions from a corpus of
// critique articles with verbatim, cited excerpts, on the command line or as
// a Discord bot.
//
// Usage:
//
//	chokepoint ask [--json] QUESTION   answer a question
//	chokepoint search [--json] QUERY   list ranked passages
//	chokepoint index                   build or update the index
//	chokepoint sources [--json]        list the corpus's articles
//	chokepoint eval [FILE]             run the answer-quality benchmark (or a question set) against bleve baselines
//	chokepoint serve                   run the Discord bot
//	chokepoint version                 print the version
//
// Every subcommand takes --corpus DIR (default: the embedded corpus) and
// --index DIR (default: under the user's cache directory), and --help.
package main
