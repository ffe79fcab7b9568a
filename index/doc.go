// Package index is Chokepoint's bleve adapter: it builds, opens, searches and
// swaps the on-disk passage index. *Index implements chokepoint.Searcher.
//
// One bleve document is stored per passage, keyed by Passage.ID(). An index
// directory holds generations ("gen-NNNNNN", each a bleve index plus a JSON
// manifest) and a CURRENT file naming the live one. A full rebuild writes a
// new generation and then atomically replaces CURRENT, so readers and a
// crash never see a half-built index. Only this package imports bleve.
package index
