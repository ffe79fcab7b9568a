// Package corpus reads critique articles from an fs.FS into
// []chokepoint.Document and holds the embedded default corpus.
//
// A corpus is a directory tree. Files ending in .md or .markdown are
// Markdown, optionally opening with YAML front matter; files ending in .txt
// are plain or scraped text whose first non-empty line is the title, with
// optional metadata in a sidecar NAME.yaml (or NAME.yml) next to NAME.txt.
// A sidecar's title replaces the first line as the title; that line is never
// a passage either way. synonyms.yaml (or synonyms.yml) at the root holds
// the Vocabulary (equivalent terms, one-way implications, kinds of reason).
// Hidden files and directories, and README, LICENSE and CHANGELOG files
// (documentation about the corpus, not articles), are ignored silently; any
// other file is reported in Result.Skipped with the reason. Symbolic links
// to files and directories are followed; dangling links and loops of links
// are reported in Result.Skipped, and a file reached by two paths is loaded
// once, from its real path.
//
// Text is cleaned for quoting: mojibake from UTF-8 read as Windows-1252 is
// repaired, odd white space folded, zero-width characters, "(opens in a new
// tab)" link notes and trailing share/comment boilerplate removed, and
// Markdown markup stripped. Markdown is parsed as CommonMark with GitHub's
// tables and strikethrough (by goldmark): passages hold the text a renderer
// shows, taken verbatim from the file through the parser's source
// positions; a table row is a paragraph of its cells joined by " | ", the
// text of an HTML block is kept (script and style dropped), images are
// dropped. A paragraph with too many inline delimiters for its length
// (4,000 in 50 KB, 100 in 2 MB), or a line opening more than 32 nested
// quotes or lists, is read as plain text with a warning, which bounds the
// parser's time on hostile files. Headings without markup in scraped text are
// recognised by shape: a short, title-like line standing alone and followed
// by body text.
package corpus
