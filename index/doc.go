// Package index is Chokepoint's bleve adapter: it builds, opens, searches and
// swaps the on-disk passage index. *Index implements chokepoint.Searcher.
//
// One bleve document is stored per passage, keyed by Passage.ID(). An index
// directory holds generations ("gen-NNNNNN", each a bleve index plus a JSON
// manifest), a CURRENT file naming the live one, and a LOCK file.
//
// Generations are copy-on-write. Update and Rebuild write a new generation
// beside the live one (an update starts from a copy of it whose segment
// files are hard links) and then atomically replace CURRENT; the live
// generation is opened read-only and never written. So readers, in this
// process or others, and a crash never see a half-built index, a failed
// write (a full disk) leaves the live index whole, and a read-only
// directory serves. Builders, in any process, take turns on the LOCK file
// (flock); readers never take it.
//
// bleve trusts its files and panics on damaged ones, sometimes in its own
// goroutines. Segment files are therefore checked against their CRCs
// before bleve reads them (the manifest records which were checked, so an
// open only stats them), and panics while opening or searching are
// recovered: the generation is treated as damaged and rebuilt. Only this
// package imports bleve.
package index
