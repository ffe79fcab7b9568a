// Package gaps finds what the corpus cannot answer: from the questions the
// bot abstained on or members voted down, it groups the rephrasings of one
// question together and ranks the groups by how often they were asked.
//
// Grouping is by analysed terms: a question is cleaned as the Answerer
// cleans it (chokepoint.CleanQuestion), then turned into index terms by the
// index's own analyzer (stop words dropped, stemmed), so "Why can't Russia
// replace China's rare earths?" and "why cant russia replace china rare
// earth 🤔" are one question. Questions whose term sets are near enough
// (weighted Jaccard similarity at least Threshold, terms weighted by how
// rare they are among the questions) join the group of the most asked one.
package gaps
